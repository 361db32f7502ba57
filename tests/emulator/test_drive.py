"""The emulator's Drive v3 file store answers files.get and files.list as Drive documents,
through a real google-auth AuthorizedSession."""

from __future__ import annotations

from pathlib import Path

import pytest
from google.oauth2.service_account import Credentials

from emulator import DEFAULT_EMAIL, SheetsEmulator, make_service_account

DRIVE = "https://www.googleapis.com/drive/v3/files"
READONLY = ["https://www.googleapis.com/auth/drive.readonly"]
OTHER = "someone@kapanewon-test.iam.gserviceaccount.com"


@pytest.fixture
def emu():
    with SheetsEmulator(seed=1) as emulator:
        yield emulator


def session_for(emu: SheetsEmulator, directory: Path, email: str = DEFAULT_EMAIL, scopes=READONLY):
    key_file = make_service_account(directory, emu, email)
    return emu.session(Credentials.from_service_account_file(str(key_file), scopes=scopes))


@pytest.fixture
def drive(emu, tmp_path):
    return session_for(emu, tmp_path)


def listed(drive, q: str, **params) -> list[str]:
    response = drive.get(DRIVE, params={"q": q, "fields": "files(name)", **params})
    assert response.status_code == 200, response.text
    return [f["name"] for f in response.json()["files"]]


def test_a_folder_lists_its_children_not_trashed(emu, drive):
    folder = emu.drive.folder("Rapat", shared_with=(DEFAULT_EMAIL,))
    emu.drive.file("a.jpg", "image/jpeg", folder)
    emu.drive.file("b.jpg", "image/jpeg", folder, trashed=True)
    emu.drive.file("c.jpg", "image/jpeg")  # elsewhere
    assert listed(drive, f"'{folder}' in parents and trashed = false") == ["a.jpg"]
    assert listed(drive, f"'{folder}' in parents and trashed = true") == ["b.jpg"]


def test_mime_type_terms_combine_with_or_and_parentheses(emu, drive):
    folder = emu.drive.folder("Rapat", shared_with=(DEFAULT_EMAIL,))
    for name, mime in (("a.jpg", "image/jpeg"), ("b.mp4", "video/mp4"), ("c.pdf", "application/pdf")):
        emu.drive.file(name, mime, folder)
    q = f"'{folder}' in parents and (mimeType contains 'image/' or mimeType contains 'video/')"
    assert listed(drive, q) == ["a.jpg", "b.mp4"]
    assert listed(drive, f"'{folder}' in parents and not mimeType = 'application/pdf'") == ["a.jpg", "b.mp4"]
    assert listed(drive, f"'{folder}' in parents and mimeType != 'video/mp4' and name contains 'c'") == ["c.pdf"]


@pytest.mark.parametrize("q", ["'x' in owners", "trashed = maybe", "mimeType contains", "(trashed = false",
                               "starred = true", "trashed = false and"])
def test_a_query_outside_the_known_terms_is_invalid_value(drive, q):
    response = drive.get(DRIVE, params={"q": q})
    assert response.status_code == 400
    assert response.json()["error"]["errors"][0] == {"message": "Invalid Value", "domain": "global",
                                                      "reason": "invalid", "location": "q",
                                                      "locationType": "parameter"}


def test_pages_follow_next_page_token_and_cap_at_a_thousand(emu, drive):
    folder = emu.drive.folder("Banyak", shared_with=(DEFAULT_EMAIL,))
    for i in range(1500):
        emu.drive.file(f"{i:04d}.jpg", "image/jpeg", folder)
    q = f"'{folder}' in parents"
    first = drive.get(DRIVE, params={"q": q, "pageSize": 5000}).json()
    assert len(first["files"]) == 1000 and first["nextPageToken"]
    second = drive.get(DRIVE, params={"q": q, "pageSize": 5000, "pageToken": first["nextPageToken"]}).json()
    assert len(second["files"]) == 500 and "nextPageToken" not in second
    assert len(drive.get(DRIVE, params={"q": q}).json()["files"]) == 100  # the default page


def test_a_page_token_belongs_to_its_query(emu, drive):
    folder = emu.drive.folder("Banyak", shared_with=(DEFAULT_EMAIL,))
    for i in range(3):
        emu.drive.file(f"{i}.jpg", "image/jpeg", folder)
    token = drive.get(DRIVE, params={"q": f"'{folder}' in parents", "pageSize": 1}).json()["nextPageToken"]
    assert drive.get(DRIVE, params={"q": "trashed = false", "pageToken": token}).status_code == 400


def test_fields_cut_the_response(emu, drive):
    folder = emu.drive.folder("Rapat", shared_with=(DEFAULT_EMAIL,))
    photo = emu.drive.file("a.jpg", "image/jpeg", folder)
    assert drive.get(f"{DRIVE}/{photo}", params={"fields": "name"}).json() == {"name": "a.jpg"}
    full = drive.get(f"{DRIVE}/{photo}").json()
    assert full["mimeType"] == "image/jpeg" and full["parents"] == [folder]


def test_a_shortcut_names_its_target(emu, drive):
    folder = emu.drive.folder("Rapat", shared_with=(DEFAULT_EMAIL,))
    video = emu.drive.file("v.mp4", "video/mp4", folder)
    shortcut = emu.drive.shortcut("pintasan", video, folder)
    got = drive.get(f"{DRIVE}/{shortcut}", params={"fields": "mimeType,shortcutDetails"}).json()
    assert got == {"mimeType": "application/vnd.google-apps.shortcut",
                   "shortcutDetails": {"targetId": video, "targetMimeType": "video/mp4"}}


def test_a_file_not_shared_with_the_caller_is_not_found_as_if_it_did_not_exist(emu, drive, tmp_path):
    folder = emu.drive.folder("Rahasia", shared_with=(OTHER,))
    photo = emu.drive.file("a.jpg", "image/jpeg", folder)
    for file_id in (folder, photo, "1doesnotexistatall"):
        response = drive.get(f"{DRIVE}/{file_id}")
        assert response.status_code == 404
        assert response.json()["error"]["message"] == f"File not found: {file_id}."
    assert listed(drive, f"'{folder}' in parents") == []
    other = session_for(emu, tmp_path / "other", OTHER)
    assert other.get(f"{DRIVE}/{photo}").status_code == 200  # shared through its folder


def test_the_spreadsheets_scope_alone_reaches_no_drive_file(emu, tmp_path):
    photo = emu.drive.file("a.jpg", "image/jpeg", shared_with=(DEFAULT_EMAIL,))
    session = session_for(emu, tmp_path, scopes=["https://www.googleapis.com/auth/spreadsheets"])
    assert session.get(f"{DRIVE}/{photo}").status_code == 403


def test_an_injected_429_carries_retry_after(emu, drive):
    photo = emu.drive.file("a.jpg", "image/jpeg", shared_with=(DEFAULT_EMAIL,))
    emu.fail(429, kind="drive", retry_after=17)
    response = drive.get(f"{DRIVE}/{photo}")
    assert response.status_code == 429 and response.headers["Retry-After"] == "17"
    assert response.json()["error"]["errors"][0]["reason"] == "rateLimitExceeded"
    assert drive.get(f"{DRIVE}/{photo}").status_code == 200
