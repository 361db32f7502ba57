"""Every input form register.md names is read correctly; anything else is unreadable."""

from datetime import date, datetime

import pytest

from sheetflow import cells
from sheetflow.cells import Unreadable


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("3 Juli 2024", date(2024, 7, 3)),
        ("3 juli 2024", date(2024, 7, 3)),
        ("03 Agustus 2024", date(2024, 8, 3)),
        ("3 Agt 2024", date(2024, 8, 3)),
        ("17 Des. 2024", date(2024, 12, 17)),
        ("03/07/2024", date(2024, 7, 3)),
        ("3/7/2024", date(2024, 7, 3)),
        ("3-7-2024", date(2024, 7, 3)),
        ("3.7.2024", date(2024, 7, 3)),
        ("2024-07-03", date(2024, 7, 3)),
        (" 2024-07-03\u00a0", date(2024, 7, 3)),
        (datetime(2024, 7, 3, 0, 0), date(2024, 7, 3)),
        (date(2024, 7, 3), date(2024, 7, 3)),
        (45476, date(2024, 7, 3)),
        (45476.0, date(2024, 7, 3)),
        (60, date(1900, 2, 28)),
        (61, date(1900, 3, 1)),
    ],
)
def test_date_forms_are_read(raw, expected):
    assert cells.parse_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("31/02/2024", "date-impossible"),
        ("2024-13-01", "date-impossible"),
        ("kemarin", "date-unreadable"),
        ("07/03/24", "date-unreadable"),
        ("3 Juli", "date-unreadable"),
        ("3 Julie 2024", "date-unreadable"),
        ("", "date-unreadable"),
        (-5, "date-unreadable"),
        (True, "date-unreadable"),
    ],
)
def test_unreadable_dates_are_findings_not_guesses(raw, code):
    assert cells.parse_date(raw) == Unreadable(code)


def test_day_first_is_always_used_for_slashed_dates():
    assert cells.parse_date("05/07/2024") == date(2024, 7, 5)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("Ya", True), ("ya", True), (" YA ", True), ("TRUE", True), (True, True), ("✓", True), (1, True),
     (None, False), ("", False), (False, False), ("Tidak", False), ("FALSE", False), (0, False)],
)
def test_flag_forms_are_read(raw, expected):
    assert cells.parse_flag(raw) is expected


@pytest.mark.parametrize("raw", ["mungkin", "sudah", 2, "Ya!"])
def test_unreadable_flags_are_findings(raw):
    assert cells.parse_flag(raw) == Unreadable("flag-unreadable")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("terima", "TERIMA"), (" Tolak ", "TOLAK"), ("TERIMA", "TERIMA"), ("tolak\u00a0", "TOLAK"), ("", None)],
)
def test_dropdown_values_fold_case_and_spaces(raw, expected):
    assert cells.parse_choice(raw, ("TERIMA", "TOLAK")) == expected


@pytest.mark.parametrize("raw", ["t e r i m a", "diterima", "OK"])
def test_values_outside_the_dropdown_are_findings(raw):
    assert cells.parse_choice(raw, ("TERIMA", "TOLAK")) == Unreadable("choice-unknown", {"choices": "TERIMA, TOLAK"})


@pytest.mark.parametrize(
    ("raw", "expected"), [(5, 5), (5.0, 5), ("5", 5), ("5.0", 5), ("5,0", 5), (" 12 ", 12), ("-3", -3)]
)
def test_whole_numbers_are_read(raw, expected):
    assert cells.parse_whole(raw) == expected


@pytest.mark.parametrize("raw", ["lima", "5.5", 5.5, "1.000", "", True, "5 foto"])
def test_unreadable_whole_numbers_are_findings(raw):
    assert cells.parse_whole(raw) == Unreadable("whole-unreadable")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://drive.google.com/x", ("https://drive.google.com/x",)),
        ("https://a.id/1\nhttp://b.id/2", ("https://a.id/1", "http://b.id/2")),
        ("https://a.id/1\r\n\r\nhttps://b.id/2\n", ("https://a.id/1", "https://b.id/2")),
        ("\u200bhttps://a.id/1", ("https://a.id/1",)),
    ],
)
def test_urls_one_per_line_are_read(raw, expected):
    assert cells.parse_urls(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("folder foto di WA", "url-invalid"),
        ("https://a.id/1 dan https://b.id/2", "url-invalid"),
        ("ftp://a.id/file", "url-invalid"),
        ("https://localhost", "url-invalid"),
        ("", "urls-missing"),
    ],
)
def test_anything_but_urls_is_a_finding(raw, code):
    parsed = cells.parse_urls(raw)
    assert isinstance(parsed, Unreadable) and parsed.code == code


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("abc", 3),
        ("👍🏽", 1),
        ("👨‍👩‍👧", 1),
        ("🇮🇩", 1),
        ("e\u0301", 1),
        ("Ponjong 👍🏽🇮🇩", 10),
        ("  padded  ", 6),
    ],
)
def test_caption_length_counts_what_a_reader_sees(raw, expected):
    assert cells.length(raw) == expected


@pytest.mark.parametrize("raw", [None, "", "   ", "\u00a0\u200b", False])
def test_blank_cells(raw):
    assert cells.is_blank(raw)


def test_serial_datetimes_round_to_the_second():
    assert cells.parse_datetime(45476.5) == datetime(2024, 7, 3, 12, 0)
