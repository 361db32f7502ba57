"""The SOP is data: the bundled definition loads, and a broken one is refused by name."""

import tomllib
from pathlib import Path

import pytest

from sheetflow.errors import WorkflowInvalid
from sheetflow.workflow import load_workflow

BUNDLED = Path(__file__).parent.parent / "sheetflow" / "workflows" / "sop-010-2024.toml"


def broken(tmp_path, old, new):
    text = BUNDLED.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "broken.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_bundled_definition_holds_the_sop_parameters():
    workflow = load_workflow()
    assert (workflow.column["documentation_count"].min, workflow.column["caption"].max_length) == (5, 200)
    assert workflow.timezone == "Asia/Jakarta"
    assert [s.label for s in workflow.statuses] == [
        "Draf", "Perlu Perbaikan", "Menunggu Pemeriksaan", "Sedang Diperiksa", "Ditolak", "Disetujui", "Diunggah",
    ]


def test_a_definition_file_can_be_loaded_by_path(tmp_path):
    path = broken(tmp_path, "min = 5", "min = 3")
    assert load_workflow(path).column["documentation_count"].min == 3


def test_the_engine_names_no_office():
    engine = [p for p in (BUNDLED.parent.parent).glob("**/*.py")]
    assert all("ponjong" not in p.read_text(encoding="utf-8").casefold() for p in engine)


@pytest.mark.parametrize(
    ("old", "new", "named"),
    [
        ('timezone = "Asia/Jakarta"', 'timezone = "Asia/Ponjong"', "timezone"),
        ('to = "rejected"', 'to = "lost"', "transitions[reject].to"),
        ('colour = "D9D9D9"', 'colour = "grey"', "statuses.0.colour"),
        ('when = ["filled:reviewer"]', 'when = ["filled:nobody"]', "unknown column 'nobody'"),
        ('when = ["filled:reviewer"]', 'when = ["maybe:reviewer"]', "unknown condition 'maybe:reviewer'"),
        ('type = "whole"', 'type = "number"', "columns.5.type"),
        ('filled_by = "admin"', 'filled_by = "camat"', "unknown role 'camat'"),
        ('number_format = "{year}/{seq:04d}"', 'number_format = "{tahun}"', "number_format"),
        ('hidden = true', 'hiden = true', "hiden"),
        ('acts = "admin"', 'acts = "camat"', "statuses[approved].acts: unknown role 'camat'"),
        ('not_inherited = ["reviewer"', 'not_inherited = ["pemeriksa"', "not_inherited: unknown column 'pemeriksa'"),
        ('not_inherited = ["reviewer"', 'not_inherited = ["status", "reviewer"', "'status' is a system column"),
        ('when = ["differs:approved_by"]', 'when = ["differs:signer"]', "unknown column 'signer'"),
        ('record = "review"\n\n[[transitions]]\nid = "resubmit"', '[[transitions]]\nid = "resubmit"',
         "transitions[signoff-corrected].to: only a transition from a status that records may leave out 'to'"),
    ],
)
def test_a_broken_definition_is_refused_naming_the_field(tmp_path, old, new, named):
    with pytest.raises(WorkflowInvalid) as caught:
        load_workflow(broken(tmp_path, old, new))
    assert named in str(caught.value)


def test_a_file_that_is_not_toml_is_refused(tmp_path):
    path = tmp_path / "x.toml"
    path.write_text("id = [", encoding="utf-8")
    with pytest.raises(WorkflowInvalid, match="not valid TOML"):
        load_workflow(path)


def test_the_definition_is_plain_toml():
    assert tomllib.loads(BUNDLED.read_text(encoding="utf-8"))["id"] == "sop-010-2024"
