"""What a spreadsheet's locale changes: separators, date order, default patterns, month names.

Only the locales the project meets are described; any other locale string is accepted by
updateSpreadsheetProperties (as Google does) and rendered with en_US conventions.
"""

from __future__ import annotations

from dataclasses import dataclass

_EN_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_ID_MONTHS = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]
_EN_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_ID_DAYS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]


@dataclass(frozen=True)
class Locale:
    decimal: str
    group: str
    day_first: bool
    date: str
    time: str
    date_time: str
    currency: str
    months: tuple[str, ...] = tuple(_EN_MONTHS)
    days: tuple[str, ...] = tuple(_EN_DAYS)
    # Abbreviations that are not simply the first three letters of the month.
    extra_month_abbreviations: tuple[tuple[str, int], ...] = ()

    def default_pattern(self, number_type: str) -> str:
        return {
            "DATE": self.date,
            "TIME": self.time,
            "DATE_TIME": self.date_time,
            "NUMBER": "#,##0.00",
            "PERCENT": "0.00%",
            "CURRENCY": f'"{self.currency}"#,##0.00',
            "SCIENTIFIC": "0.00E+00",
        }.get(number_type, "")

    def month_number(self, name: str) -> int | None:
        name = name.lower().rstrip(".")
        for i, full in enumerate(self.months):
            if name in (full.lower(), full.lower()[:3]):
                return i + 1
        for abbreviation, number in self.extra_month_abbreviations:
            if name == abbreviation:
                return number
        return None


_LOCALES = {
    "en_US": Locale(".", ",", False, "M/d/yyyy", "h:mm:ss am/pm", "M/d/yyyy H:mm:ss", "$"),
    "en_GB": Locale(".", ",", True, "dd/MM/yyyy", "HH:mm:ss", "dd/MM/yyyy HH:mm:ss", "£"),
    "id_ID": Locale(
        ",",
        ".",
        True,
        "dd/MM/yyyy",
        "HH.mm.ss",
        "dd/MM/yyyy HH.mm.ss",
        "Rp",
        tuple(_ID_MONTHS),
        tuple(_ID_DAYS),
        (("agt", 8),),
    ),
    "de_DE": Locale(",", ".", True, "dd.MM.yyyy", "HH:mm:ss", "dd.MM.yyyy HH:mm:ss", "€"),
}


def locale(name: str) -> Locale:
    return _LOCALES.get(name, _LOCALES["en_US"])
