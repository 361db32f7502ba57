"""Excel backend and template: the register as an .xlsx file."""

from .backend import XlsxRegister, open_workbook

__all__ = ["XlsxRegister", "open_workbook"]
