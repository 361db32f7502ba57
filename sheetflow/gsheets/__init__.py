"""The Google Sheets backend."""

from .backend import GoogleRegister, open_spreadsheet
from .source import is_google, spreadsheet_id

__all__ = ["GoogleRegister", "is_google", "open_spreadsheet", "spreadsheet_id"]
