import pytest
from emulator import DEFAULT_EMAIL, SheetsEmulator, make_service_account
from registers import file_register, sheet_register
from support import MemoryRegister

# Local SMTP and webhook servers, shared by the notification and fleet tests.
pytest_plugins = ["servers", "messengers"]


@pytest.fixture(autouse=True)
def memo_folder(tmp_path_factory, monkeypatch):
    """Each test remembers its own runs (see sheetflow.memo), never the user's or another test's."""
    folder = tmp_path_factory.mktemp("memo")
    monkeypatch.setenv("SHEETFLOW_CACHE", str(folder))
    return folder


@pytest.fixture(scope="session")
def emulator_server():
    """The Sheets API v4 emulator on 127.0.0.1, started once for the whole run."""
    with SheetsEmulator() as running:
        yield running


@pytest.fixture
def emulator(emulator_server):
    """The emulator for one test: faults and hooks a test leaves behind are dropped after it."""
    yield emulator_server
    emulator_server.clear_faults()
    emulator_server.clear_hooks()
    emulator_server.drive_quota(None)


@pytest.fixture(scope="session")
def service_key(emulator_server, tmp_path_factory):
    """A service-account key made for this run and known to the emulator."""
    return make_service_account(tmp_path_factory.mktemp("key"), emulator_server)


@pytest.fixture
def cli_on_emulator(emulator, monkeypatch):
    """The command line reaches the emulator: every Connection it builds uses the emulator's session."""
    from sheetflow import api

    original = api.Connection.__init__

    def through_the_emulator(self, credentials=None, session=None, sleep=None, limiter=None):
        original(self, credentials=credentials, session=emulator.session, sleep=lambda seconds: None,
                 limiter=limiter)

    monkeypatch.setattr(api.Connection, "__init__", through_the_emulator)


@pytest.fixture
def google_register(emulator, service_key):
    return sheet_register(emulator, service_key, DEFAULT_EMAIL)


@pytest.fixture(params=["memory", "xlsx", "google"])
def register_of(request, tmp_path):
    """Makes a register from rows on each backend; transition tests run on all of them."""
    if request.param == "memory":
        return MemoryRegister.of
    if request.param == "google":
        return request.getfixturevalue("google_register")
    return file_register(tmp_path)
