"""The user guide (PANDUAN.md) and the developer page (docs/arsitektur.md) keep up with the program.

Staff look a message up in the guide's troubleshooting table and a colour up in its
status table; a message, status, command or picture added to the program without a
word in the guide is a question nobody can answer at the office.
"""

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

import sheetflow
from sheetflow import cells
from sheetflow.cli import cli
from sheetflow.messages import CATALOGUE
from sheetflow.workflow import load_workflow

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "PANDUAN.md"
TEXT = GUIDE.read_text(encoding="utf-8")
ARCHITECTURE = (ROOT / "docs" / "arsitektur.md").read_text(encoding="utf-8")

# Command output, recap labels, per-status hints and history reasons are words the guide
# shows in context; every other catalogue entry is a message staff must be able to look up.
NOT_LOOKED_UP = ("out-", "recap-", "hint-", "transition-")
FINDINGS = sorted(code for code in CATALOGUE if not code.startswith(NOT_LOOKED_UP))
HINTS = sorted(code for code in CATALOGUE if code.startswith("hint-"))
STATUSES = load_workflow().statuses

# The colour names staff use for the workflow's RGB fills. A new colour in the workflow
# needs its name here, and in the guide.
COLOUR_NAMES = {
    "D9D9D9": "abu-abu",
    "F4CCCC": "merah muda",
    "FFF2CC": "kuning",
    "F9CB9C": "oranye",
    "E06666": "merah",
    "9FC5E8": "biru",
    "93C47D": "hijau",
}

IMAGES = sorted(set(re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", TEXT)))


def section(title: str) -> str:
    """The text under the level-2 heading containing ``title``, up to the next one."""
    match = re.search(rf"^## [^\n]*{re.escape(title)}[^\n]*$(.*?)(?=^## |\Z)", TEXT, re.MULTILINE | re.DOTALL)
    assert match, f"PANDUAN.md has no section '{title}'"
    return match[1]


def table_rows(text: str) -> list[list[str]]:
    """Markdown table rows as lists of cells."""
    return [[cell.strip() for cell in line.strip().strip("|").split("|")]
            for line in text.splitlines() if line.lstrip().startswith("|")]


@pytest.mark.parametrize("code", FINDINGS)
def test_every_message_code_has_a_row_in_the_troubleshooting_table(code):
    rows = table_rows(section("Pesan dan artinya"))
    assert any(row[0] == f"`{code}`" for row in rows), f"`{code}` has no row in PANDUAN.md 'Pesan dan artinya'"


@pytest.mark.parametrize("code", HINTS)
def test_every_next_step_hint_is_quoted_in_the_guide(code):
    assert CATALOGUE[code]["id"] in TEXT


@pytest.mark.parametrize("status", STATUSES, ids=[s.label for s in STATUSES])
def test_every_status_is_listed_with_its_colour_name(status):
    assert status.colour.upper() in COLOUR_NAMES, f"name the colour {status.colour} of {status.label} in this test"
    colour = COLOUR_NAMES[status.colour.upper()]
    assert any(row[0].strip("`") == status.label and colour in row[1:] for row in table_rows(TEXT)), (
        f"PANDUAN.md has no table row for {status.label} with the colour {colour}"
    )


def test_the_guide_shows_pictures():
    # Guards the next test: an empty parameter list would skip it rather than fail.
    assert IMAGES


@pytest.mark.parametrize("path", IMAGES)
def test_every_linked_picture_exists(path):
    assert (ROOT / path).is_file(), f"PANDUAN.md links {path}, which does not exist (scripts/screenshots.py)"


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_is_explained(name):
    assert f"sheetflow {name}" in TEXT


@pytest.fixture(scope="module")
def example_workflow(tmp_path_factory):
    """The minimal workflow that docs/arsitektur.md offers developers to copy."""
    match = re.search(r"```toml\n(.*?)```", ARCHITECTURE, re.DOTALL)
    assert match, "docs/arsitektur.md has no TOML workflow example"
    path = tmp_path_factory.mktemp("workflow") / "example.toml"
    path.write_text(match[1], encoding="utf-8")
    return load_workflow(path)


def test_the_architecture_example_workflow_speaks_only_catalogued_words(example_workflow):
    # Loading does not check the catalogue; a missing word would fail the first sync.
    words = {f"transition-{t.id}" for t in example_workflow.transitions}
    words |= {r.finding for t in example_workflow.transitions for r in t.requires}
    words |= {c.finding for c in example_workflow.checks}
    words |= {s.hint for s in example_workflow.statuses if s.hint}
    assert words <= CATALOGUE.keys(), sorted(words - CATALOGUE.keys())


@pytest.mark.parametrize("name", sheetflow.__all__)
def test_every_public_name_is_described_in_the_architecture_page(name):
    assert re.search(rf"^\| `{re.escape(name)}[`(]", ARCHITECTURE, re.MULTILINE)


# ---------------------------------------------------------------- what the template does
TEMPLATE = ROOT / "templates" / "register.xlsx"
# Excel's Protect Sheet options, by the flag openpyxl gives each, as the guide quotes them.
EXCEL_OPTIONS = {
    "formatColumns": "Format columns", "formatRows": "Format rows", "insertRows": "Insert rows",
    "deleteRows": "Delete rows", "sort": "Sort", "autoFilter": "Use AutoFilter", "insertColumns": "Insert columns",
    "deleteColumns": "Delete columns", "formatCells": "Format cells", "insertHyperlinks": "Insert hyperlinks",
}
# The ones LibreOffice keeps when it opens the file (it has no others of these).
LIBREOFFICE_OPTIONS = ("insertRows", "deleteRows", "insertColumns", "deleteColumns")


def subsection(title: str) -> str:
    """The text under the level-3 heading starting with ``title``, up to the next heading."""
    match = re.search(rf"^### {re.escape(title)}[^\n]*$(.*?)(?=^##)", TEXT, re.MULTILINE | re.DOTALL)
    assert match, f"PANDUAN.md has no subsection '{title}'"
    return match[1]


def ticked(bullet: str) -> set[str]:
    """The options a bullet tells the admin to tick: the italic words after "centang"."""
    return set(re.findall(r"\*([^*]+)\*", bullet.split("centang", 1)[1]))


@pytest.fixture(scope="module")
def template_sheets():
    return load_workbook(TEMPLATE).worksheets


@pytest.fixture(scope="module")
def allowed(template_sheets) -> set[str]:
    """What the template's Register lets people do while it is protected (False: not forbidden)."""
    register = template_sheets[0]
    return {flag for flag in EXCEL_OPTIONS if getattr(register.protection, flag) is False}


def test_the_guide_says_every_template_sheet_is_protected_without_a_password(template_sheets):
    assert all(s.protection.sheet and s.protection.password is None for s in template_sheets)
    assert "keempat lembar **dilindungi tanpa kata\nsandi**" in subsection("Perlindungan lembar")


def test_the_guide_tells_excel_admins_to_tick_what_the_template_allows(allowed):
    [excel] = re.findall(r"^- Excel:.*?(?=^- |^\n)", subsection("Perlindungan lembar"), re.MULTILINE | re.DOTALL)
    assert ticked(excel) & set(EXCEL_OPTIONS.values()) == {EXCEL_OPTIONS[flag] for flag in allowed}


def test_the_guide_tells_libreoffice_admins_to_tick_what_the_template_allows(allowed):
    [office] = re.findall(r"^- LibreOffice.*?(?=^- |^\n)", subsection("Perlindungan lembar"), re.MULTILINE | re.DOTALL)
    assert ticked(office) & set(EXCEL_OPTIONS.values()) == {
        EXCEL_OPTIONS[flag] for flag in allowed if flag in LIBREOFFICE_OPTIONS
    }


def test_the_guide_says_columns_cannot_be_moved_while_the_template_forbids_it(allowed):
    rows = table_rows(subsection("Perlindungan lembar"))
    forbidden = " ".join(row[1] for row in rows[2:])
    assert not {"insertColumns", "deleteColumns"} & allowed
    assert "menyisipkan, menghapus, atau memindahkan kolom" in forbidden


def test_the_guide_lists_exactly_the_serahkan_words_sync_reads():
    passage = re.search(r"Diserahkan: (.*?)\. Belum diserahkan: (.*?)\. ", TEXT, re.DOTALL)
    assert passage, "PANDUAN.md does not list what Serahkan may hold"
    said = [{w.casefold() for w in re.findall(r"`([^`]+)`", part)} - {"=true()"} for part in passage.groups()]
    assert said == [cells.TRUE_WORDS, cells.FALSE_WORDS]
