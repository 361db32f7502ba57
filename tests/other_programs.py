"""Registers made by other programs than sheetflow, built when the tests run (no binary
files in the repository): XlsxWriter with what Excel users add to a sheet, LibreOffice
typing into the template over UNO, a Google Sheets export, and an .xlsm with macros.

Each is a register: the Register sheet has the SOP's headers and rows in several states
(ROWS), so that a sync changes rows; what each program adds sits on that sheet, which
sync writes to, so that a writer keeping it has to work for it.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import xlsxwriter
from office import Office, comment, formula, typed
from openpyxl.utils import get_column_letter
from support import WORKFLOW, approved, handed_over, rejected, submission

from sheetflow import api

REGISTER = WORKFLOW.sheets.register_
HEADERS = [c.header for c in WORKFLOW.columns]
COLUMN = {c.key: index for index, c in enumerate(WORKFLOW.columns)}  # 0-based
# A row handed over, one approved, one still a draft, one rejected: sync numbers,
# stamps and moves each of them.
ROWS: list[dict[str, Any]] = [
    handed_over(activity_name="Rapat koordinasi kalurahan"),
    approved(activity_name="Posyandu Kalurahan Bedoyo", team_name="Seksi Kesejahteraan Rakyat"),
    submission(activity_name="Kerja bakti warga Gombang"),
    rejected(activity_name="Sosialisasi pajak bumi"),
]
TEAMS = ["Seksi Pemerintahan", "Seksi Kesejahteraan Rakyat", "Seksi Ketenteraman"]


def _cells(row: dict[str, Any]) -> list[tuple[int, Any]]:
    return sorted((COLUMN[key], value) for key, value in row.items())


# ---------------------------------------------------------------- XlsxWriter

def png(width: int = 4, height: int = 4) -> bytes:
    """A small red PNG, made here."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    pixels = b"".join(b"\x00" + b"\xcc\x22\x22" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(pixels)) + chunk(b"IEND", b"")


def _xlsxwriter_book(path: Path, *, macros: bytes | None = None) -> xlsxwriter.Workbook:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet(REGISTER)
    lists = book.add_worksheet("Daftar")
    bold = book.add_format({"bold": True})
    sheet.write_row(0, 0, HEADERS, bold)
    sheet.freeze_panes(1, 2)
    for number, row in enumerate(ROWS, start=1):
        for column, value in _cells(row):
            sheet.write(number, column, value)
    for number, team in enumerate(TEAMS):
        lists.write(number, 0, team)
        lists.write(number, 1, number + 2)
    if macros is not None:
        book.add_vba_project(io.BytesIO(macros), is_stream=True)
    return book


def xlsxwriter_register(folder: Path) -> Path:
    """Excel features openpyxl drops or mangles, all on the Register sheet (frozen at
    C2): a text box, a sparkline, a data bar (an x14 extension), rich text in a staff
    cell, a dropdown whose list is on another sheet, an image, a chart and a comment."""
    path = folder / "xlsxwriter.xlsx"
    book = _xlsxwriter_book(path)
    sheet = book.get_worksheet_by_name(REGISTER)
    red = book.add_format({"color": "red", "bold": True})
    team = COLUMN["team_name"]
    name_row = 3  # the draft's activity name, in bold red and plain runs
    sheet.write_rich_string(name_row, COLUMN["activity_name"], "Kerja bakti ", red, "warga", " Gombang")
    sheet.data_validation(1, team, 200, team, {"validate": "list", "source": f"=Daftar!$A$1:$A${len(TEAMS)}"})
    count = get_column_letter(COLUMN["documentation_count"] + 1)
    sheet.conditional_format(f"{count}2:{count}200", {"type": "data_bar", "data_bar_2010": True})
    sheet.write_comment(1, COLUMN["caption"], "Caption sudah dicek humas.")
    sheet.insert_textbox("AB2", "Isi kolom kuning saja; kolom abu-abu diisi sistem.", {"width": 300, "height": 80})
    sheet.insert_image("AB8", "logo.png", {"image_data": io.BytesIO(png())})
    sheet.add_sparkline("AA2", {"range": "Daftar!B1:B3"})
    chart = book.add_chart({"type": "column"})
    chart.add_series({"categories": "=Daftar!$A$1:$A$3", "values": "=Daftar!$B$1:$B$3"})
    sheet.insert_chart("AB14", chart)
    book.close()
    return path


def xlsm_register(folder: Path) -> Path:
    """An .xlsm: the same register with a macro part (vbaProject.bin), a stand-in whose
    bytes must come through a sync unchanged."""
    path = folder / "makro.xlsm"
    macros = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8  # an OLE signature, then filler
    _xlsxwriter_book(path, macros=macros).close()
    return path


# ---------------------------------------------------------------- LibreOffice

def libreoffice_register(folder: Path, office: Office) -> Path:
    """The sheetflow template, typed into in LibreOffice and saved as .xlsx: the hand-over
    ticked as LibreOffice stores a checkbox (=TRUE()), counts typed as sums (formulas
    with cached values), dates typed day first in the Indonesian locale, a comment.
    LibreOffice saves no view settings for a document it opened hidden (headless), so
    the template's frozen pane is lost here; the other workbooks carry one."""
    template = api.init_register(folder / "template.xlsx")
    path = folder / "libreoffice.xlsx"
    steps = []
    for number, row in enumerate(ROWS, start=2):
        for column, value in _cells(row):
            ref, key = f"{get_column_letter(column + 1)}{number}", WORKFLOW.columns[column].key
            if key == "handover":
                # set, not typed: the template's dropdown would refuse a typed formula
                steps.append(formula(REGISTER, ref, "=TRUE()"))
            elif key == "documentation_count":
                steps.append(typed(REGISTER, ref, f"={value - 2}+2"))
            elif key == "activity_date":
                steps.append(typed(REGISTER, ref, "3/7/2024"))
            else:
                steps.append(typed(REGISTER, ref, str(value)))
    steps.append(comment(REGISTER, f"{get_column_letter(COLUMN['caption'] + 1)}3", "Caption sudah dicek humas."))
    office.edit(template, steps, save_as=path, locale="id-ID")
    return path


# ---------------------------------------------------------------- Google Sheets

GOOGLE_NAMESPACES = (
    'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:mx="http://schemas.microsoft.com/office/mac/excel/2008/main" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:mv="urn:schemas-microsoft-com:mac:vml" '
    'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main" '
    'xmlns:x15="http://schemas.microsoft.com/office/spreadsheetml/2010/11/main" '
    'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" '
    'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"'
)
XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT = "application/vnd.openxmlformats-officedocument"


def google_export(folder: Path, *, inline: bool = False) -> Path:
    """A register as Google Sheets' "Download → Microsoft Excel" writes it: no docProps,
    Google's own minimal styles (Arial 10, nothing of the template's), the Sheets theme,
    an empty drawing per sheet, a frozen header, a dropdown, and strings shared — or,
    with ``inline``, written inline in the cells (t="inlineStr", no sharedStrings part),
    as report exporters write them."""
    path = folder / ("inline.xlsx" if inline else "google-sheets.xlsx")
    strings: dict[str, int] = {}

    def cell(ref: str, value: Any) -> str:
        if isinstance(value, bool):
            return f'<c r="{ref}" s="1" t="b"><v>{int(value)}</v></c>'
        if isinstance(value, int | float):
            return f'<c r="{ref}" s="1"><v>{value}</v></c>'
        if inline:
            return f'<c r="{ref}" s="1" t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t></is></c>'
        index = strings.setdefault(value, len(strings))
        return f'<c r="{ref}" s="1" t="s"><v>{index}</v></c>'

    def sheet(rows: list[list[tuple[int, Any]]], extra: str = "") -> str:
        body = "".join(
            f'<row r="{n}">' + "".join(cell(f"{get_column_letter(c + 1)}{n}", v) for c, v in cells) + "</row>"
            for n, cells in enumerate(rows, start=1)
        )
        return (f"{XML}<worksheet {GOOGLE_NAMESPACES}><sheetPr><outlinePr summaryBelow=\"0\" summaryRight=\"0\"/>"
                '</sheetPr><sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
                'activePane="bottomLeft" state="frozen"/><selection activeCell="B2" sqref="B2" pane="bottomLeft"/>'
                '</sheetView></sheetViews><sheetFormatPr customHeight="1" defaultColWidth="12.63" '
                'defaultRowHeight="15.75"/><cols><col customWidth="1" min="3" max="3" width="30.0"/></cols>'
                f'<sheetData>{body}</sheetData>{extra}<drawing r:id="rId1"/></worksheet>')

    register = [list(enumerate(HEADERS))] + [_cells(row) for row in ROWS]
    team = get_column_letter(COLUMN["team_name"] + 1)
    dropdown = (f'<dataValidations><dataValidation type="list" allowBlank="1" showErrorMessage="1" '
                f'sqref="{team}2:{team}1000"><formula1>Daftar!$A$1:$A${len(TEAMS)}</formula1></dataValidation>'
                "</dataValidations>")
    parts = {
        "xl/worksheets/sheet1.xml": sheet(register, dropdown),
        "xl/worksheets/sheet2.xml": sheet([[(0, t)] for t in TEAMS]),
    }
    for number in (1, 2):
        parts[f"xl/worksheets/_rels/sheet{number}.xml.rels"] = (
            f'{XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{RELATIONSHIP}/drawing" Target="../drawings/drawing{number}.xml"/>'
            "</Relationships>")
        parts[f"xl/drawings/drawing{number}.xml"] = (
            f'{XML}<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
            'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
            f'xmlns:r="{RELATIONSHIP}" '
            'xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
            'xmlns:cx="http://schemas.microsoft.com/office/drawing/2014/chartex" '
            'xmlns:cx1="http://schemas.microsoft.com/office/drawing/2015/9/8/chartex" '
            'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
            'xmlns:dgm="http://schemas.openxmlformats.org/drawingml/2006/diagram" '
            'xmlns:x3Unk="http://schemas.microsoft.com/office/drawing/2010/slicer" '
            'xmlns:sle15="http://schemas.microsoft.com/office/drawing/2012/slicer"/>')
    shared = "" if inline else (
        f'{XML}<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{len(strings)}" '
        f'uniqueCount="{len(strings)}">'
        + "".join(f"<si><t>{escape(text)}</t></si>" for text in strings) + "</sst>")
    parts |= {
        "xl/workbook.xml": (
            f"{XML}<workbook {GOOGLE_NAMESPACES}><workbookPr/><sheets>"
            f'<sheet state="visible" name="{REGISTER}" sheetId="1" r:id="rId4"/>'
            '<sheet state="visible" name="Daftar" sheetId="2" r:id="rId5"/></sheets><definedNames/><calcPr/>'
            "</workbook>"),
        "xl/styles.xml": (
            f'{XML}<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" '
            'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><fonts count="2">'
            '<font><sz val="10.0"/><color rgb="FF000000"/><name val="Arial"/><scheme val="minor"/></font>'
            '<font><color theme="1"/><name val="Arial"/><scheme val="minor"/></font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill '
            'patternType="lightGray"/></fill></fills><borders count="1"><border/></borders>'
            '<cellStyleXfs count="1"><xf borderId="0" fillId="0" fontId="0" numFmtId="0" applyAlignment="1" '
            'applyFont="1"/></cellStyleXfs><cellXfs count="2"><xf borderId="0" fillId="0" fontId="0" '
            'numFmtId="0" xfId="0" applyAlignment="1" applyFont="1"><alignment readingOrder="0" '
            'shrinkToFit="0" vertical="bottom" wrapText="0"/></xf><xf borderId="0" fillId="0" fontId="1" '
            'numFmtId="0" xfId="0" applyAlignment="1" applyFont="1"><alignment readingOrder="0"/></xf>'
            '</cellXfs><cellStyles count="1"><cellStyle xfId="0" name="Normal" builtinId="0"/></cellStyles>'
            '<dxfs count="0"/></styleSheet>'),
        "xl/theme/theme1.xml": (
            f'{XML}<a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
            f'xmlns:r="{RELATIONSHIP}" name="Sheets"><a:themeElements><a:clrScheme name="Sheets">'
            + "".join(f"<a:{n}><a:srgbClr val=\"{v}\"/></a:{n}>" for n, v in (
                ("dk1", "000000"), ("lt1", "FFFFFF"), ("dk2", "000000"), ("lt2", "FFFFFF"),
                ("accent1", "4285F4"), ("accent2", "EA4335"), ("accent3", "FBBC04"), ("accent4", "34A853"),
                ("accent5", "FF6D01"), ("accent6", "46BDC6"), ("hlink", "1155CC"), ("folHlink", "1155CC")))
            + '</a:clrScheme><a:fontScheme name="Sheets"><a:majorFont><a:latin typeface="Arial"/>'
            '<a:ea typeface="Arial"/><a:cs typeface="Arial"/></a:majorFont><a:minorFont><a:latin '
            'typeface="Arial"/><a:ea typeface="Arial"/><a:cs typeface="Arial"/></a:minorFont></a:fontScheme>'
            '<a:fmtScheme name="Office"><a:fillStyleLst><a:solidFill><a:schemeClr val="phClr"/></a:solidFill>'
            '<a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/>'
            '</a:solidFill></a:fillStyleLst><a:lnStyleLst><a:ln w="6350"><a:solidFill><a:schemeClr '
            'val="phClr"/></a:solidFill></a:ln><a:ln w="12700"><a:solidFill><a:schemeClr val="phClr"/>'
            '</a:solidFill></a:ln><a:ln w="19050"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill>'
            '</a:ln></a:lnStyleLst><a:effectStyleLst><a:effectStyle><a:effectLst/></a:effectStyle>'
            '<a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle>'
            '</a:effectStyleLst><a:bgFillStyleLst><a:solidFill><a:schemeClr val="phClr"/></a:solidFill>'
            '<a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/>'
            '</a:solidFill></a:bgFillStyleLst></a:fmtScheme></a:themeElements></a:theme>'),
        "xl/_rels/workbook.xml.rels": (
            f'{XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{RELATIONSHIP}/theme" Target="theme/theme1.xml"/>'
            f'<Relationship Id="rId2" Type="{RELATIONSHIP}/styles" Target="styles.xml"/>'
            + ("" if inline else
               f'<Relationship Id="rId3" Type="{RELATIONSHIP}/sharedStrings" Target="sharedStrings.xml"/>')
            + f'<Relationship Id="rId4" Type="{RELATIONSHIP}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId5" Type="{RELATIONSHIP}/worksheet" Target="worksheets/sheet2.xml"/>'
            "</Relationships>"),
        "_rels/.rels": (
            f'{XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{RELATIONSHIP}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"),
        "[Content_Types].xml": (
            f'{XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default ContentType="application/xml" Extension="xml"/>'
            '<Default ContentType="application/vnd.openxmlformats-package.relationships+xml" Extension="rels"/>'
            + "".join(f'<Override ContentType="{CONTENT}.spreadsheetml.worksheet+xml" '
                      f'PartName="/xl/worksheets/sheet{n}.xml"/>' for n in (1, 2))
            + "".join(f'<Override ContentType="{CONTENT}.drawing+xml" PartName="/xl/drawings/drawing{n}.xml"/>'
                      for n in (1, 2))
            + ("" if inline else
               f'<Override ContentType="{CONTENT}.spreadsheetml.sharedStrings+xml" PartName="/xl/sharedStrings.xml"/>')
            + f'<Override ContentType="{CONTENT}.spreadsheetml.styles+xml" PartName="/xl/styles.xml"/>'
            f'<Override ContentType="{CONTENT}.theme+xml" PartName="/xl/theme/theme1.xml"/>'
            f'<Override ContentType="{CONTENT}.spreadsheetml.sheet.main+xml" PartName="/xl/workbook.xml"/>'
            "</Types>"),
    }
    if shared:
        parts["xl/sharedStrings.xml"] = shared
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return path
