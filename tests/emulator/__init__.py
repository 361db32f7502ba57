"""A faithful Google Sheets API v4 (with a Drive v3 file store and the OAuth2 token endpoint)
emulator for tests.

with SheetsEmulator() as emu:
    key_file = make_service_account(tmp_path, emu)
    spreadsheet_id = emu.create_spreadsheet("Register", {"Register": rows}, shared_with=[EMAIL])
    creds = Credentials.from_service_account_file(key_file, scopes=[SPREADSHEETS_SCOPE])
    client = gspread.Client(auth=creds, session=emu.session(creds))
"""

from .accounts import DEFAULT_EMAIL, make_service_account
from .server import EmulatorError, SheetsEmulator

__all__ = ["DEFAULT_EMAIL", "EmulatorError", "SheetsEmulator", "make_service_account"]
