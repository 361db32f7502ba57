"""Step 1 of the SOP: a hand-over passes every rule, or each failure is one finding."""

from datetime import date

import pytest
from support import WORKFLOW, handed_over, submission

from sheetflow.findings import flatten
from sheetflow.validate import field_findings, submission_findings

TODAY = date(2024, 7, 3)


def findings(values, today=TODAY):
    return flatten(submission_findings(5, values, WORKFLOW, today), ["row", "column", "code"])


def test_complete_submission_passes():
    assert findings(submission()) == []


@pytest.mark.parametrize(
    ("key", "header"),
    [
        ("activity_date", "Tanggal Kegiatan"),
        ("activity_name", "Nama Kegiatan"),
        ("team_name", "Tim Pelaksana"),
        ("documentation_kind", "Jenis Dokumentasi"),
        ("documentation_count", "Jumlah Dokumentasi"),
        ("documentation_links", "Tautan Dokumentasi"),
        ("narrative", "Narasi Berita"),
        ("caption", "Caption"),
    ],
)
def test_every_submission_column_must_be_filled(key, header):
    assert findings(submission(**{key: None})) == [[5, header, "required-missing"]]


def test_activity_date_must_be_a_real_date():
    assert findings(submission(activity_date="31/02/2024")) == [[5, "Tanggal Kegiatan", "date-impossible"]]


def test_activity_date_may_not_be_after_today():
    assert findings(submission(activity_date="4 Juli 2024")) == [[5, "Tanggal Kegiatan", "date-in-future"]]


def test_documentation_needs_at_least_five_items():
    (finding,) = submission_findings(5, submission(documentation_count=4), WORKFLOW, TODAY)
    assert (finding.code, finding.message("id")) == (
        "whole-too-small",
        "Jumlah Dokumentasi 4: minimal 5. Lengkapi dokumentasi hingga minimal 5.",
    )


def test_documentation_count_must_be_a_whole_number():
    (finding,) = submission_findings(5, submission(documentation_count="lima"), WORKFLOW, TODAY)
    assert (finding.code, finding.value) == ("whole-unreadable", "lima")
    assert "'lima'" in finding.message("id")


def test_documentation_kind_is_one_of_the_dropdown_values():
    assert findings(submission(documentation_kind="Audio")) == [[5, "Jenis Dokumentasi", "choice-unknown"]]


def test_documentation_links_are_urls_one_per_line_and_nothing_else():
    links = "https://drive.google.com/a\nlihat grup WA"
    assert findings(submission(documentation_links=links)) == [[5, "Tautan Dokumentasi", "url-invalid"]]


def test_narrative_needs_the_minimum_length():
    (finding,) = submission_findings(5, submission(narrative="Rapat berjalan lancar."), WORKFLOW, TODAY)
    assert finding.code == "narrative-too-short"
    assert "minimal 100 karakter" in finding.message("id")


def test_narrative_may_be_a_link_to_a_document():
    assert findings(submission(narrative="https://docs.google.com/document/d/xyz")) == []


def test_caption_is_at_most_200_characters():
    (finding,) = submission_findings(5, submission(caption="a" * 201), WORKFLOW, TODAY)
    assert (finding.code, finding.message("id")) == (
        "text-too-long",
        "Caption 201 karakter; maksimal 200 karakter. Persingkat 1 karakter.",
    )


def test_caption_of_200_characters_with_emoji_passes():
    assert findings(submission(caption="a" * 199 + "👍🏽")) == []


def test_each_failure_is_its_own_finding():
    values = submission(documentation_count=2, caption="x" * 250, documentation_links="foto di WA")
    assert [code for _, _, code in findings(values)] == ["whole-too-small", "url-invalid", "text-too-long"]


def test_messages_are_available_in_english():
    (finding,) = submission_findings(5, submission(caption="a" * 201), WORKFLOW, TODAY)
    assert finding.message("en") == "Caption is 201 characters; at most 200 characters. Shorten it by 1."


def test_a_long_value_is_clipped_when_quoted():
    (finding,) = submission_findings(5, submission(documentation_count="x" * 50_000), WORKFLOW, TODAY)
    assert len(finding.message("id")) < 200


def test_unreadable_decision_is_a_finding_whatever_the_status():
    values = handed_over(decision="setuju")
    assert flatten(field_findings(5, values, WORKFLOW, TODAY), ["column", "code", "value"]) == [
        ["Keputusan", "choice-unknown", "setuju"]
    ]


def test_unreadable_hand_over_flag_is_a_finding():
    values = submission(handover="sudah")
    assert flatten(field_findings(5, values, WORKFLOW, TODAY), ["column", "code"]) == [
        ["Serahkan", "flag-unreadable"]
    ]
