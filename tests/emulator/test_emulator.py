"""The emulator answers the real gspread + google-auth code paths the way Google documents."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import gspread
import pytest
import requests
from google.auth.exceptions import RefreshError
from google.oauth2.service_account import Credentials

from emulator import DEFAULT_EMAIL, SheetsEmulator, make_service_account

SCOPES = ["https://www.googleapis.com/auth/spreadsheets"]
ROWS = [["No", "Name", "City"], [1, "Budi", "Wonosari"], [2, "Sari", "Ponjong"], [3, "Adi", "Playen"]]


def serial_of(day: date) -> int:
    return (day - date(1899, 12, 30)).days


@pytest.fixture
def emu():
    with SheetsEmulator(seed=1) as emulator:
        yield emulator


def client_for(emu: SheetsEmulator, directory: Path, email: str = DEFAULT_EMAIL, **kwargs: Any) -> gspread.Client:
    key_file = make_service_account(directory, emu, email, **kwargs)
    creds = Credentials.from_service_account_file(str(key_file), scopes=SCOPES)
    return gspread.Client(auth=creds, session=emu.session(creds))


@pytest.fixture
def client(emu: SheetsEmulator, tmp_path: Path) -> gspread.Client:
    return client_for(emu, tmp_path)


def register(emu: SheetsEmulator, rows: list[list[Any]] = ROWS, **kwargs: Any) -> str:
    kwargs.setdefault("shared_with", [DEFAULT_EMAIL])
    return emu.create_spreadsheet("Register", {"Register": rows}, **kwargs)


def batch_update(client: gspread.Client, spreadsheet_id: str, *requests_: dict[str, Any], **body: Any) -> Any:
    return client.open_by_key(spreadsheet_id).batch_update({"requests": list(requests_), **body})


def api_error(call: Any, *args: Any, **kwargs: Any) -> gspread.exceptions.APIError:
    with pytest.raises(gspread.exceptions.APIError) as caught:
        call(*args, **kwargs)
    return caught.value


# -- OAuth and access ------------------------------------------------------------------------------


def test_token_exchange_comes_first_and_is_logged(emu, client):
    client.open_by_key(register(emu))
    token = emu.requests[0]
    assert (token["kind"], token["path"], token["status"]) == ("token", "/token", 200)
    assert token["body"]["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer"
    assert emu.requests[1]["caller"] == DEFAULT_EMAIL


def test_key_the_emulator_never_saw_is_refused(emu, tmp_path):
    make_service_account(tmp_path / "real", emu)
    impostor = client_for(emu, tmp_path / "impostor", register=False)
    with pytest.raises(RefreshError, match="Invalid JWT Signature"):
        impostor.open_by_key(register(emu))
    assert emu.requests[-1]["status"] == 400


def test_call_without_token_is_401_unauthenticated(emu):
    spreadsheet_id = register(emu)
    with requests.Session() as plain:
        plain.trust_env = False
        answer = plain.get(f"{emu.base_url}/v4/spreadsheets/{spreadsheet_id}")
    assert answer.status_code == 401
    assert answer.json()["error"]["status"] == "UNAUTHENTICATED"


def test_spreadsheet_not_shared_with_the_account_is_403(emu, client):
    with pytest.raises(PermissionError) as caught:
        client.open_by_key(register(emu, shared_with=[]))
    assert caught.value.__cause__.response.json()["error"] == {
        "code": 403,
        "message": "The caller does not have permission",
        "status": "PERMISSION_DENIED",
    }


def test_unknown_spreadsheet_id_is_404(emu, client):
    with pytest.raises(gspread.SpreadsheetNotFound):
        client.open_by_key("1" + "x" * 43)


def test_expired_token_is_refreshed_by_the_session(emu, client):
    spreadsheet = client.open_by_key(register(emu))
    emu.revoke_tokens()
    spreadsheet.fetch_sheet_metadata()
    assert [r["status"] for r in emu.requests[-3:]] == [401, 200, 200]
    assert emu.count("token") == 2


def test_protected_range_refuses_an_account_that_is_not_its_editor(emu, tmp_path):
    other = "auditor@kapanewon-test.iam.gserviceaccount.com"
    spreadsheet_id = register(emu, shared_with=[DEFAULT_EMAIL, other])
    owner_of_range = client_for(emu, tmp_path / "a")
    batch_update(owner_of_range, spreadsheet_id, {"addProtectedRange": {"protectedRange": {"range": {"sheetId": 0}}}})
    stranger = client_for(emu, tmp_path / "b", other).open_by_key(spreadsheet_id).sheet1
    error = api_error(stranger.update, [["x"]], "A2")
    assert error.code == 400 and "protected cell" in error.error["message"]


# -- Reading values --------------------------------------------------------------------------------


def test_batch_get_trims_trailing_empties_and_echoes_the_grid_range(emu, client):
    rows = [["a", "b", None, None], [None, None, None, None], ["c", None, "d", None], [None] * 4]
    spreadsheet = client.open_by_key(register(emu, rows))
    answer = spreadsheet.values_batch_get(["Register"])
    assert answer["valueRanges"] == [
        {"range": "Register!A1:Z1000", "majorDimension": "ROWS", "values": [["a", "b"], [], ["c", "", "d"]]}
    ]


def test_empty_range_has_no_values_key(emu, client):
    spreadsheet = client.open_by_key(register(emu))
    assert spreadsheet.values_batch_get(["Register!F1:G5"])["valueRanges"] == [
        {"range": "Register!F1:G5", "majorDimension": "ROWS"}
    ]


def test_sheet_name_needing_quotes_is_quoted_in_the_echoed_range(emu, client):
    spreadsheet_id = emu.create_spreadsheet("Register", {"My Sheet": [["x"]]}, shared_with=[DEFAULT_EMAIL])
    answer = client.open_by_key(spreadsheet_id).values_batch_get(["'My Sheet'!A1:B2"])
    assert answer["valueRanges"][0]["range"] == "'My Sheet'!A1:B2"


def test_columns_major_dimension_transposes(emu, client):
    spreadsheet = client.open_by_key(register(emu))
    answer = spreadsheet.values_batch_get(["Register!A1:B2"], params={"majorDimension": "COLUMNS"})
    assert answer["valueRanges"][0]["values"] == [["No", "1"], ["Name", "Budi"]]


@pytest.mark.parametrize(
    ("date_option", "expected"),
    [("SERIAL_NUMBER", serial_of(date(2024, 7, 3))), ("FORMATTED_STRING", "7/3/2024")],
)
def test_unformatted_date_is_a_serial_number_unless_formatted_string(emu, client, date_option, expected):
    spreadsheet = client.open_by_key(register(emu, [[date(2024, 7, 3), 2.0, 2.5, True]]))
    params = {"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": date_option}
    values = spreadsheet.values_batch_get(["Register!A1:D1"], params=params)["valueRanges"][0]["values"]
    assert values == [[expected, 2, 2.5, True]]


@pytest.mark.parametrize(
    ("number", "number_format", "locale", "expected"),
    [
        (45476.5, {"type": "DATE_TIME", "pattern": "dd/mm/yyyy hh:mm"}, "en_US", "03/07/2024 12:00"),
        (45476.75, {"type": "DATE_TIME"}, "en_US", "7/3/2024 18:00:00"),
        (45476.0, {"type": "DATE", "pattern": "d mmmm yyyy"}, "id_ID", "3 Juli 2024"),
        (0.6041666666666666, {"type": "TIME", "pattern": "h:mm am/pm"}, "en_US", "2:30 PM"),
        (1234.5, {"type": "NUMBER", "pattern": "#,##0.00"}, "en_US", "1,234.50"),
        (1234.5, {"type": "NUMBER", "pattern": "#,##0.00"}, "id_ID", "1.234,50"),
        (-7.0, {"type": "NUMBER", "pattern": "0"}, "en_US", "-7"),
        (0.125, {"type": "PERCENT", "pattern": "0.0%"}, "en_US", "12.5%"),
        (12.0, None, "en_US", "12"),
        (0.1 + 0.2, None, "id_ID", "0,3"),
    ],
)
def test_formatted_value_applies_the_number_format(emu, client, number, number_format, locale, expected):
    spreadsheet_id = register(emu, locale=locale)
    cell: dict[str, Any] = {"userEnteredValue": {"numberValue": number}}
    if number_format:
        cell["userEnteredFormat"] = {"numberFormat": number_format}
    batch_update(client, spreadsheet_id, {"updateCells": {"rows": [{"values": [cell]}], "fields": "*", "start": {}}})
    assert client.open_by_key(spreadsheet_id).sheet1.acell("A1").value == expected


def test_boolean_is_formatted_in_capitals(emu, client):
    worksheet = client.open_by_key(register(emu, [[True, False]])).sheet1
    assert worksheet.get_values("A1:B1") == [["TRUE", "FALSE"]]


def test_formula_render_returns_the_formula(emu, client):
    worksheet = client.open_by_key(register(emu, [["=SUM(1,2)"]])).sheet1
    assert worksheet.get("A1", value_render_option="FORMULA") == [["=SUM(1,2)"]]


def test_fields_mask_limits_spreadsheets_get(emu, client):
    spreadsheet = client.open_by_key(register(emu))
    assert spreadsheet.fetch_sheet_metadata({"fields": "sheets(properties(title,index))"}) == {
        "sheets": [{"properties": {"title": "Register", "index": 0}}]
    }


def test_unknown_sheet_in_range_is_400_unable_to_parse(emu, client):
    spreadsheet = client.open_by_key(register(emu))
    error = api_error(spreadsheet.values_batch_get, ["Nope!A1"])
    assert (error.code, error.error["message"]) == (400, "Unable to parse range: Nope!A1")


# -- Writing values --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("id_ID", date(2024, 7, 3)), ("en_GB", date(2024, 7, 3)), ("en_US", date(2024, 3, 7))],
)
def test_user_entered_date_is_read_in_the_spreadsheet_locale(emu, client, locale, expected):
    spreadsheet_id = register(emu, locale=locale)
    client.open_by_key(spreadsheet_id).sheet1.update([["03/07/2024"]], "D2", raw=False)
    cell = emu.cell(spreadsheet_id, "Register", "D2")
    assert cell["userEnteredValue"] == {"numberValue": serial_of(expected)}
    assert cell["userEnteredFormat"]["numberFormat"]["type"] == "DATE"


@pytest.mark.parametrize(("locale", "typed"), [("id_ID", "1.234,5"), ("en_US", "1,234.5")])
def test_user_entered_number_uses_the_locale_separators(emu, client, locale, typed):
    spreadsheet_id = register(emu, locale=locale)
    client.open_by_key(spreadsheet_id).sheet1.update([[typed]], "D2", raw=False)
    assert emu.grid(spreadsheet_id, "Register")[1][3] == 1234.5


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("=1+1", {"formulaValue": "=1+1"}),
        ("'0812", {"stringValue": "0812"}),
        ("true", {"boolValue": True}),
        ("12%", {"numberValue": 0.12}),
        ("Budi", {"stringValue": "Budi"}),
    ],
)
def test_user_entered_text_is_parsed_like_the_ui(emu, client, typed, stored):
    spreadsheet_id = register(emu)
    client.open_by_key(spreadsheet_id).sheet1.update([[typed]], "D2", raw=False)
    assert emu.cell(spreadsheet_id, "Register", "D2")["userEnteredValue"] == stored


def test_raw_formula_text_stays_a_string(emu, client):
    spreadsheet_id = register(emu)
    client.open_by_key(spreadsheet_id).sheet1.update([["=1+1", "0812"]], "D2", raw=True)
    assert emu.cell(spreadsheet_id, "Register", "D2")["userEnteredValue"] == {"stringValue": "=1+1"}
    assert emu.cell(spreadsheet_id, "Register", "E2")["userEnteredValue"] == {"stringValue": "0812"}


def test_staff_typing_is_parsed_in_the_locale(emu):
    spreadsheet_id = register(emu, locale="id_ID")
    emu.type(spreadsheet_id, "Register", "C2", "3 Juli 2024")
    assert emu.grid(spreadsheet_id, "Register")[1][2] == serial_of(date(2024, 7, 3))


def test_values_update_reports_the_written_range(emu, client):
    answer = client.open_by_key(register(emu)).sheet1.update([["a", "b"], ["c", "d"]], "B5")
    assert {k: answer[k] for k in ("updatedRange", "updatedRows", "updatedColumns", "updatedCells")} == {
        "updatedRange": "Register!B5:C6",
        "updatedRows": 2,
        "updatedColumns": 2,
        "updatedCells": 4,
    }


def test_values_api_grows_the_grid_when_writing_beyond_it(emu, client):
    spreadsheet_id = register(emu, row_count=4, column_count=3)
    client.open_by_key(spreadsheet_id).sheet1.update([["late"]], "E6")
    grid = emu.spreadsheet(spreadsheet_id)["sheets"][0]["properties"]["gridProperties"]
    assert grid == {"rowCount": 6, "columnCount": 5}


def test_writing_more_than_the_given_range_is_refused(emu, client):
    worksheet = client.open_by_key(register(emu)).sheet1
    error = api_error(worksheet.update, [["a"], ["b"], ["c"]], "A1:A2")
    assert error.error["message"] == "Requested writing within range ['Register'!A1:A2], but tried writing to row [3]"


def test_null_values_are_skipped_and_empty_strings_clear(emu, client):
    spreadsheet_id = register(emu)
    client.open_by_key(spreadsheet_id).values_update(
        "Register!A2:C2", params={"valueInputOption": "RAW"}, body={"values": [[None, "", "Gunungkidul"]]}
    )
    assert emu.grid(spreadsheet_id, "Register")[1] == [1, None, "Gunungkidul"]


def test_missing_value_input_option_is_refused(emu, client):
    spreadsheet = client.open_by_key(register(emu))
    error = api_error(spreadsheet.values_update, "Register!A1", body={"values": [["x"]]})
    assert error.error["message"] == "'valueInputOption' is required but not specified"


def test_append_writes_after_the_table(emu, client):
    spreadsheet_id = register(emu)
    answer = client.open_by_key(spreadsheet_id).sheet1.append_row([4, "Dewi", "Semin"])
    assert answer["tableRange"] == "Register!A1:C4"
    assert answer["updates"]["updatedRange"] == "Register!A5:C5"
    assert emu.grid(spreadsheet_id, "Register")[-1] == [4, "Dewi", "Semin"]


def test_clear_keeps_formatting(emu, client):
    spreadsheet_id = register(emu, [[date(2024, 7, 3)]])
    client.open_by_key(spreadsheet_id).values_clear("Register!A1")
    cell = emu.cell(spreadsheet_id, "Register", "A1")
    assert "userEnteredValue" not in cell
    assert cell["userEnteredFormat"] == {"numberFormat": {"type": "DATE", "pattern": "M/d/yyyy"}}


@pytest.mark.parametrize("path", ["values", "updateCells"])
def test_more_than_50000_characters_in_a_cell_is_refused(emu, client, path):
    spreadsheet_id = register(emu)
    text = "x" * 50_001
    if path == "values":
        error = api_error(client.open_by_key(spreadsheet_id).sheet1.update, [[text]], "A1")
    else:
        cell = {"userEnteredValue": {"stringValue": text}}
        request = {"updateCells": {"rows": [{"values": [cell]}], "fields": "userEnteredValue", "start": {}}}
        error = api_error(batch_update, client, spreadsheet_id, request)
    assert "more than the maximum of 50000 characters in a single cell" in error.error["message"]
    assert emu.grid(spreadsheet_id, "Register") == ROWS


# -- batchUpdate -----------------------------------------------------------------------------------


def test_batch_update_is_all_or_nothing(emu, client):
    spreadsheet_id = register(emu)
    before = emu.spreadsheet(spreadsheet_id)
    cell = {"userEnteredValue": {"stringValue": "changed"}}
    requests_ = [
        {"updateCells": {"rows": [{"values": [cell]}], "fields": "userEnteredValue", "start": {"sheetId": 0}}},
        {"addSheet": {"properties": {"title": "Log"}}},
        {"updateCells": {"rows": [{"values": [cell]}], "fields": "userEnteredValue", "start": {"sheetId": 99}}},
    ]
    error = api_error(batch_update, client, spreadsheet_id, *requests_)
    assert error.error["message"] == "Invalid requests[2].updateCells: No grid with id: 99"
    assert emu.spreadsheet(spreadsheet_id) == before
    assert emu.grid(spreadsheet_id, "Register") == ROWS


def test_a_failed_batch_leaves_cells_it_changed_first_as_they_were(emu, client):
    # Drafts share the stored CellData with the book, so a change must never edit one in place.
    spreadsheet_id = register(emu, [*ROWS, [date(2024, 7, 3)]])
    before = [emu.cell(spreadsheet_id, "Register", a1) for a1 in ("A1", "B2", "C3", "A5")]
    date_format = {"userEnteredFormat": {"numberFormat": {"type": "DATE_TIME", "pattern": "dd/mm/yyyy hh:mm"}}}
    rng = {"sheetId": 0, "startRowIndex": 2, "endRowIndex": 5, "startColumnIndex": 0, "endColumnIndex": 3}
    requests_ = [
        {
            "updateCells": {
                "rows": [{"values": [date_format]}],
                "fields": "userEnteredFormat.numberFormat",
                "start": {"sheetId": 0, "rowIndex": 4},
            }
        },
        {
            "updateCells": {
                "rows": [{"values": [{"userEnteredValue": {"stringValue": "x"}}]}],
                "fields": "userEnteredValue",
                "range": rng,
            }
        },
        {"updateCells": {"rows": [], "fields": "userEnteredValue", "start": {"sheetId": 99}}},
    ]
    api_error(batch_update, client, spreadsheet_id, *requests_)
    spreadsheet = client.open_by_key(spreadsheet_id)
    data = [
        {"range": "Register!A1", "values": [["1/2/2024"]]},
        {"range": "Register!B2", "values": [["y"]]},
        {"range": "Nowhere!A1", "values": [["z"]]},
    ]
    api_error(spreadsheet.values_batch_update, {"valueInputOption": "USER_ENTERED", "data": data})
    api_error(spreadsheet.values_batch_clear, body={"ranges": ["Register!A1:C3", "Nowhere!A1"]})
    assert [emu.cell(spreadsheet_id, "Register", a1) for a1 in ("A1", "B2", "C3", "A5")] == before
    assert emu.grid(spreadsheet_id, "Register")[:4] == ROWS


def test_update_cells_with_a_range_over_a_large_sheet_clears_only_its_window(emu, client):
    rows = [[f"r{r}c{c}" for c in range(5)] for r in range(300)]
    spreadsheet_id = register(emu, rows)
    rng = {"sheetId": 0, "startRowIndex": 10, "endRowIndex": 13, "startColumnIndex": 1, "endColumnIndex": 4}
    given = {"values": [{"userEnteredValue": {"stringValue": "new"}}]}
    batch_update(client, spreadsheet_id, {"updateCells": {"rows": [given], "fields": "userEnteredValue", "range": rng}})
    grid = emu.grid(spreadsheet_id, "Register")
    assert grid[10:13] == [[f"r{r}c0", "new" if r == 10 else None, None, None, f"r{r}c4"] for r in (10, 11, 12)]
    assert grid[:10] + grid[13:] == rows[:10] + rows[13:]


def test_unknown_request_kind_is_rejected_as_invalid_json(emu, client):
    error = api_error(batch_update, client, register(emu), {"frobnicate": {}})
    assert (error.code, error.error["message"]) == (
        400,
        "Invalid JSON payload received. Unknown name \"frobnicate\" at 'requests[0]': Cannot find field.",
    )


def test_update_cells_outside_the_grid_is_refused(emu, client):
    request = {"updateCells": {"rows": [{"values": [{}]}], "fields": "*", "start": {"sheetId": 0, "rowIndex": 1000}}}
    error = api_error(batch_update, client, register(emu), request)
    assert error.error["message"] == (
        "Invalid requests[0].updateCells: Range ('Register'!A1001) exceeds grid limits. Max rows: 1000, max columns: 26"
    )


def test_update_cells_with_a_range_clears_cells_not_given(emu, client):
    spreadsheet_id = register(emu)
    rng = {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 2, "startColumnIndex": 0, "endColumnIndex": 3}
    row = {"values": [{"userEnteredValue": {"numberValue": 9}}]}
    batch_update(client, spreadsheet_id, {"updateCells": {"rows": [row], "fields": "userEnteredValue", "range": rng}})
    assert emu.grid(spreadsheet_id, "Register")[1] == [9]


def test_append_cells_grows_the_grid(emu, client):
    spreadsheet_id = register(emu, row_count=4)
    row = {"values": [{"userEnteredValue": {"numberValue": 4}}, {"userEnteredValue": {"stringValue": "Dewi"}}]}
    batch_update(client, spreadsheet_id, {"appendCells": {"sheetId": 0, "rows": [row], "fields": "userEnteredValue"}})
    assert emu.spreadsheet(spreadsheet_id)["sheets"][0]["properties"]["gridProperties"]["rowCount"] == 5
    assert emu.grid(spreadsheet_id, "Register")[4] == [4, "Dewi"]


def test_add_sheet_replies_with_its_properties(emu, client):
    answer = batch_update(client, register(emu), {"addSheet": {"properties": {"title": "Log"}}})
    properties = answer["replies"][0]["addSheet"]["properties"]
    assert {k: properties[k] for k in ("title", "index", "sheetType", "gridProperties")} == {
        "title": "Log",
        "index": 1,
        "sheetType": "GRID",
        "gridProperties": {"rowCount": 1000, "columnCount": 26},
    }


def test_request_kind_the_emulator_lacks_is_reported_not_faked(emu, client):
    request = {"autoResizeDimensions": {"dimensions": {"sheetId": 0, "dimension": "COLUMNS"}}}
    error = api_error(batch_update, client, register(emu), request)
    assert error.code == 500
    assert "does not implement autoResizeDimensions" in emu.errors.pop()


def test_include_spreadsheet_in_response_returns_grid_data_for_response_ranges(emu, client):
    answer = batch_update(
        client,
        register(emu),
        {
            "updateSheetProperties": {
                "properties": {"sheetId": 0, "gridProperties": {"frozenRowCount": 1}},
                "fields": "gridProperties.frozenRowCount",
            }
        },
        includeSpreadsheetInResponse=True,
        responseRanges=["Register!B2:C3"],
        responseIncludeGridData=True,
    )
    sheet = answer["updatedSpreadsheet"]["sheets"][0]
    assert sheet["properties"]["gridProperties"]["frozenRowCount"] == 1
    data = sheet["data"][0]
    assert (data["startRow"], data["startColumn"]) == (1, 1)
    assert [[c["formattedValue"] for c in row["values"]] for row in data["rowData"]] == [
        ["Budi", "Wonosari"],
        ["Sari", "Ponjong"],
    ]


def test_set_data_validation_is_stored_per_cell(emu, client):
    spreadsheet_id = register(emu)
    rule = {"condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": "Ya"}]}, "strict": True}
    rng = {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 3, "startColumnIndex": 2, "endColumnIndex": 3}
    batch_update(client, spreadsheet_id, {"setDataValidation": {"range": rng, "rule": rule}})
    assert emu.cell(spreadsheet_id, "Register", "C3")["dataValidation"] == rule
    assert "dataValidation" not in emu.cell(spreadsheet_id, "Register", "C4")


def test_spreadsheet_properties_update_changes_locale(emu, client):
    spreadsheet_id = register(emu)
    request = {"updateSpreadsheetProperties": {"properties": {"locale": "id_ID"}, "fields": "locale"}}
    batch_update(client, spreadsheet_id, request)
    assert client.open_by_key(spreadsheet_id).locale == "id_ID"


# -- Rows moved by other people --------------------------------------------------------------------


def row_metadata(client: gspread.Client, spreadsheet_id: str, row_index: int) -> None:
    location = {
        "dimensionRange": {"sheetId": 0, "dimension": "ROWS", "startIndex": row_index, "endIndex": row_index + 1}
    }
    meta = {"metadataKey": "row", "metadataValue": "budi", "location": location, "visibility": "DOCUMENT"}
    batch_update(client, spreadsheet_id, {"createDeveloperMetadata": {"developerMetadata": meta}})


def search_rows(client: gspread.Client, spreadsheet_id: str) -> list[int]:
    spreadsheet = client.open_by_key(spreadsheet_id)
    url = f"https://sheets.googleapis.com/v4/spreadsheets/{spreadsheet_id}/developerMetadata:search"
    body = {"dataFilters": [{"developerMetadataLookup": {"metadataKey": "row"}}]}
    answer = spreadsheet.client.request("post", url, json=body).json()
    return [
        m["developerMetadata"]["location"]["dimensionRange"]["startIndex"]
        for m in answer.get("matchedDeveloperMetadata", [])
    ]


@pytest.mark.parametrize(
    ("move", "expected_rows"),
    [
        (lambda emu, sid: emu.insert_rows(sid, "Register", 1, count=2), [3]),
        (lambda emu, sid: emu.delete_rows(sid, "Register", 1), [0]),
        (lambda emu, sid: emu.delete_rows(sid, "Register", 2), []),
        (lambda emu, sid: emu.sort_rows(sid, "Register", 1, descending=True), [1]),
    ],
    ids=["insert-above", "delete-above", "delete-the-row", "sort-leaves-metadata-at-the-row-position"],
)
def test_row_metadata_follows_row_moves(emu, client, move, expected_rows):
    spreadsheet_id = register(emu)
    row_metadata(client, spreadsheet_id, 1)
    move(emu, spreadsheet_id)
    assert search_rows(client, spreadsheet_id) == expected_rows


@pytest.mark.parametrize(
    ("move", "expected_grid"),
    [
        (
            lambda emu, sid: emu.insert_rows(sid, "Register", 2),
            [ROWS[0], [], ROWS[1], ["X", "Sari", "Ponjong"], ROWS[3]],
        ),
        (lambda emu, sid: emu.delete_rows(sid, "Register", 2), [ROWS[0], ROWS[2], ROWS[3], ["X"]]),
        (lambda emu, sid: emu.sort_rows(sid, "Register", 1), [ROWS[0], ROWS[3], ROWS[1], ["X", "Sari", "Ponjong"]]),
    ],
    ids=["insert", "delete", "sort"],
)
def test_hook_moves_rows_between_read_and_write(emu, client, move, expected_grid):
    spreadsheet_id = register(emu)
    worksheet = client.open_by_key(spreadsheet_id).sheet1
    assert worksheet.get_values("A4") == [["3"]]  # the row a sync planned to update

    def other_person(record: dict[str, Any], emulator: SheetsEmulator) -> None:
        if record["kind"] == "write":
            emulator.clear_hooks()
            move(emulator, spreadsheet_id)

    emu.on_request(other_person)
    worksheet.update([["X"]], "A4")
    assert emu.grid(spreadsheet_id, "Register") == expected_grid


def test_deleting_rows_shrinks_protected_and_conditional_ranges(emu, client):
    spreadsheet_id = register(emu)
    rng = {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 4, "startColumnIndex": 0, "endColumnIndex": 3}
    rule = {
        "ranges": [rng],
        "booleanRule": {"condition": {"type": "NOT_BLANK"}, "format": {"textFormat": {"bold": True}}},
    }
    batch_update(
        client,
        spreadsheet_id,
        {"addConditionalFormatRule": {"rule": rule, "index": 0}},
        {"addProtectedRange": {"protectedRange": {"range": rng, "warningOnly": True}}},
    )
    emu.delete_rows(spreadsheet_id, "Register", 2)
    sheet = emu.spreadsheet(spreadsheet_id)["sheets"][0]
    shrunk = {**rng, "endRowIndex": 3}
    assert sheet["conditionalFormats"][0]["ranges"] == [shrunk]
    assert sheet["protectedRanges"][0]["range"] == shrunk


# -- Fault injection, quota and the request log ----------------------------------------------------


def test_injected_429_at_a_position_then_success(emu, client):
    spreadsheet = client.open_by_key(register(emu))
    emu.fail(429, at=1, kind="read")
    spreadsheet.values_batch_get(["Register!A1"])
    error = api_error(spreadsheet.values_batch_get, ["Register!A1"])
    assert error.code == 429 and error.error["status"] == "RESOURCE_EXHAUSTED"
    assert error.error["message"].startswith("Quota exceeded for quota metric 'Read requests'")
    assert spreadsheet.values_batch_get(["Register!A1"])["valueRanges"][0]["values"] == [["No"]]


@pytest.mark.parametrize(("status", "name"), [(500, "INTERNAL"), (503, "UNAVAILABLE")])
def test_injected_server_errors_use_google_statuses(emu, client, status, name):
    spreadsheet = client.open_by_key(register(emu))
    emu.fail(status, kind="write")
    error = api_error(spreadsheet.sheet1.update, [["x"]], "A1")
    assert (error.code, error.error["status"]) == (status, name)
    assert emu.grid(spreadsheet.id, "Register") == ROWS


def test_after_commit_failure_applies_the_write_but_answers_500(emu, client):
    spreadsheet = client.open_by_key(register(emu))
    emu.fail(500, kind="write", after_commit=True)
    error = api_error(spreadsheet.sheet1.update, [["committed"]], "D2")
    assert error.code == 500
    assert emu.grid(spreadsheet.id, "Register")[1] == [1, "Budi", "Wonosari", "committed"]


def test_write_quota_answers_429_within_the_minute_and_resets_after(emu, client):
    now = [0.0]
    emu.quota(writes_per_minute=2, clock=lambda: now[0])
    worksheet = client.open_by_key(register(emu)).sheet1
    worksheet.update([["a"]], "D1")
    worksheet.update([["b"]], "D1")
    error = api_error(worksheet.update, [["c"]], "D1")
    assert "Write requests per minute per user" in error.error["message"]
    now[0] = 61.0
    worksheet.update([["d"]], "D1")
    assert emu.grid(worksheet.spreadsheet.id, "Register")[0][3] == "d"


def test_request_log_counts_reads_and_writes(emu, client):
    spreadsheet = client.open_by_key(register(emu))
    worksheet = spreadsheet.sheet1
    emu.reset_log()
    spreadsheet.values_batch_get(["Register"])
    worksheet.update([["x"]], "D1")
    spreadsheet.batch_update({"requests": [{"appendDimension": {"sheetId": 0, "dimension": "ROWS", "length": 1}}]})
    assert (emu.count("read"), emu.count("write"), emu.count("token")) == (1, 2, 0)
    assert emu.requests[1]["query"]["valueInputOption"] == ["RAW"]


def test_each_logged_request_carries_the_emulators_own_seconds_without_its_hooks(tmp_path):
    # The clock moves only inside the hook (an added latency), so the emulator's own time is nothing.
    now = [0.0]
    with SheetsEmulator(seed=1, clock=lambda: now[0]) as emu:
        spreadsheet = client_for(emu, tmp_path).open_by_key(register(emu))
        emu.on_request(lambda record, emulator: now.__setitem__(0, now[0] + 0.1))
        emu.reset_log()
        spreadsheet.values_batch_get(["Register"])
        spreadsheet.sheet1.update([["x"]], "D1")
        assert {r["kind"] for r in emu.requests} == {"read", "write"}
        assert {r["seconds"] for r in emu.requests} == {0.0}
        assert emu.seconds() == 0.0
    ticks = iter(range(1, 10**6))
    with SheetsEmulator(seed=1, clock=lambda: float(next(ticks))) as emu:
        spreadsheet = client_for(emu, tmp_path / "other").open_by_key(register(emu))
        emu.reset_log()
        spreadsheet.values_batch_get(["Register"])
        spreadsheet.sheet1.update([["x"]], "D1")
        assert all(r["seconds"] > 0 for r in emu.requests)
        assert emu.seconds() == sum(r["seconds"] for r in emu.requests)
        assert emu.seconds("write") == emu.requests[-1]["seconds"]
