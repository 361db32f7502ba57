"""Applying a batch to an .xlsx file by editing its package in place.

Only the parts sync owns are rewritten: the sheets it writes (and within them only the
rows it writes), the shared strings and styles when it adds to them, the workbook's lists
when it adds a sheet, and the `Rekap` chart. Every other part is copied as stored.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import BinaryIO
from xml.sax.saxutils import escape as escape_text

from lxml import etree

from ..collector import paused
from ..errors import SheetflowError
from ..table import Batch, Chart
from . import files
from .package import Deflated, Package, PackageWriter, deflate, stamp_of
from .sheet import DECLARATION, MAIN, RELATIONSHIPS, Edited, SheetEdit, SheetEditor, bounds, letters, text_element

_PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
_DOCUMENT = f"{RELATIONSHIPS}/officeDocument"
_WORKSHEET, _DRAWING, _CHART = (f"{RELATIONSHIPS}/{kind}" for kind in ("worksheet", "drawing", "chart"))
_STRINGS, _STYLES, _CALC_CHAIN = (f"{RELATIONSHIPS}/{kind}" for kind in ("sharedStrings", "styles", "calcChain"))
_CONTENT = "application/vnd.openxmlformats-officedocument."
_WORKSHEET_TYPE = _CONTENT + "spreadsheetml.worksheet+xml"
_DRAWING_TYPE = _CONTENT + "drawing+xml"
_CHART_TYPE = _CONTENT + "drawingml.chart+xml"
_SPREADSHEET_DRAWING = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
_CHART_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"
_VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
_FILTER_NAME = "_xlnm._FilterDatabase"
# Where a worksheet's <drawing> goes: before the first of these that the sheet has.
_AFTER_DRAWING = ("legacyDrawing", "legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls",
                  "webPublishItems", "tableParts", "extLst")
# Excel's built-in number formats that show a date or a time (ECMA-376 18.8.30).
_BUILT_IN_FORMATS = {14: "mm-dd-yy", 15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy", 18: "h:mm AM/PM",
                     19: "h:mm:ss AM/PM", 20: "h:mm", 21: "h:mm:ss", 22: "m/d/yy h:mm"}
_CHART_SIZE = (6480000, 2880000)  # 18 × 8 cm in EMU


def write_batch(snapshot: files.Snapshot, content: bytes, batch: Batch) -> None:
    """Edit ``content`` (the bytes the plan was made from) and save it over ``snapshot``."""
    with paused():
        macros = snapshot.path.suffix.lower() in (".xlsm", ".xltm")
        parts = _Workbook(content, snapshot.path.name, macros=macros).apply(batch)
    files.replace(snapshot, parts.write)


def _q(tag: str, namespace: str = MAIN) -> str:
    return f"{{{namespace}}}{tag}"


def _parse(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))


def _serialize(root: etree._Element) -> bytes:
    return DECLARATION + etree.tostring(root, encoding="UTF-8", xml_declaration=False)


def _rels_name(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def _target(source: str, relationship: etree._Element) -> str:
    target = relationship.get("Target", "")
    if target.startswith("/"):
        return target[1:]
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def _relative(source: str, part: str) -> str:
    return posixpath.relpath(part, posixpath.dirname(source) or ".")


class _Parts:
    """The new package: each part copied, replaced or added, in the original's order."""

    def __init__(self, package: Package):
        self.package = package
        self.replaced: dict[str, Deflated] = {}
        self.added: dict[str, Deflated | bytes] = {}
        self.dropped: set[str] = set()

    def put(self, name: str, data: Iterable[bytes]) -> None:
        (self.replaced if name in self.package else self.added)[name] = deflate(data)

    def write(self, stream: BinaryIO) -> None:
        writer = PackageWriter(stream)
        for name in self.package.names:
            if name in self.dropped:
                continue
            local, record = self.package.raw(name)
            if name in self.replaced:
                writer.add(name, self.replaced[name], stamp_of(record))
            else:
                writer.copy(local, record)
        for name, data in self.added.items():
            writer.add(name, data if isinstance(data, Deflated) else deflate([data]))
        writer.close()


class _Relationships:
    """One part's relationships, parsed when first asked for and written back if changed."""

    def __init__(self, package: Package, source: str):
        self.source = source
        self.name = _rels_name(source)
        empty = etree.Element(_q("Relationships", _PACKAGE_RELATIONSHIPS), nsmap={None: _PACKAGE_RELATIONSHIPS})
        self.root = _parse(package.read(self.name)) if self.name in package else empty
        self.changed = False

    def __iter__(self) -> Iterator[etree._Element]:
        return self.root.iterchildren(_q("Relationship", _PACKAGE_RELATIONSHIPS))

    def by_id(self, identifier: str) -> etree._Element | None:
        return next((r for r in self if r.get("Id") == identifier), None)

    def of_type(self, kind: str) -> list[etree._Element]:
        return [r for r in self if r.get("Type") == kind and r.get("TargetMode") != "External"]

    def add(self, kind: str, part: str) -> str:
        taken = {r.get("Id") for r in self}
        identifier = next(f"rId{n}" for n in range(1, len(taken) + 2) if f"rId{n}" not in taken)
        etree.SubElement(self.root, _q("Relationship", _PACKAGE_RELATIONSHIPS), Id=identifier, Type=kind,
                         Target=_relative(self.source, part))
        self.changed = True
        return identifier


class _Workbook:
    """The workbook's shared parts, and the edit of each sheet a batch writes."""

    def __init__(self, content: bytes, file_name: str, *, macros: bool):
        self.file_name = file_name
        self.macros = macros
        self.package = Package(content, file_name)
        self.parts = _Parts(self.package)
        self.types = _parse(self.package.read("[Content_Types].xml"))
        self.types_changed = False
        document = _Relationships(self.package, "").of_type(_DOCUMENT)
        if not document:
            raise self._refusal("tidak memiliki bagian workbook")
        self.path = _target("", document[0])
        try:
            self.workbook = _parse(self.package.read(self.path))
            self.workbook_damaged = False
        except etree.XMLSyntaxError:
            # Calamine reads a workbook list with an undeclared prefix (a program's slip);
            # its sheets are still found, but it is not written back.
            self.workbook = etree.fromstring(self.package.read(self.path), etree.XMLParser(
                recover=True, resolve_entities=False, no_network=True, load_dtd=False))
            self.workbook_damaged = True
        if self.workbook.tag == _q("workbook", _STRICT):
            raise self._refusal("disimpan sebagai Strict Open XML Spreadsheet; simpan ulang sebagai Excel Workbook "
                                "(.xlsx) lalu jalankan sync lagi")
        self.workbook_changed = False
        self.rels = _Relationships(self.package, self.path)
        self._other_rels: dict[str, _Relationships] = {}
        self.styles = _Styles(self.package, self._single(_STYLES))
        self.strings = _Strings(self.package, self._single(_STRINGS))
        properties = self.workbook.find(_q("workbookPr"))
        self.date1904 = properties is not None and properties.get("date1904") in ("1", "true")

    def _single(self, kind: str) -> str | None:
        found = self.rels.of_type(kind)
        return _target(self.path, found[0]) if found else None

    def _refusal(self, what: str) -> SheetflowError:
        return SheetflowError(f"{self.file_name} {what}; sync tidak dapat menulisnya dengan aman. Tidak ada yang "
                              "ditulis.")

    def relationships(self, source: str) -> _Relationships:
        if source not in self._other_rels:
            self._other_rels[source] = _Relationships(self.package, source)
        return self._other_rels[source]

    # ------------------------------------------------------------ Book, for the sheets

    def string(self, text: str) -> int | None:
        return self.strings.index(text)

    def shared(self, index: int) -> str:
        return self.strings.text(index)

    def dated(self, style: int, fmt: str) -> int:
        return self.styles.dated(style, fmt)

    def wraps(self, style: int) -> bool:
        return self.styles.wraps(style)

    def epoch(self) -> datetime:
        return datetime(1904, 1, 1) if self.date1904 else datetime(1899, 12, 30)

    # ------------------------------------------------------------ the batch

    def apply(self, batch: Batch) -> _Parts:
        edits: dict[str, SheetEdit] = {}

        def edit(name: str) -> SheetEdit:
            return edits.setdefault(name, SheetEdit(name, datetime_format=batch.datetime_format))

        for write in batch.writes:
            edit(write.sheet).writes.setdefault(write.row, {})[write.column] = write.value
            edit(write.sheet).fit.add(write.row)
        for name, rows in batch.appends.items():
            if rows:
                edit(name).appends = tuple(rows)
        for name, rows in batch.replacements.items():
            replaced = edit(name)
            replaced.replace = True
            for number, values in enumerate(rows, start=1):
                replaced.writes.setdefault(number, {}).update(enumerate(values, start=1))
        charts = {chart.sheet: chart for chart in batch.charts}
        sheets = self._sheets()
        formulas_removed = False
        for name, sheet_edit in edits.items():
            part = sheets.get(name) or self._add_sheet(name)
            edited = self._edit_sheet(part, sheet_edit, charts.get(name))
            formulas_removed |= edited.formulas_removed
            if edited.filter_ref:
                self._name_filter(name, edited.filter_ref)
        if formulas_removed:
            self._drop_calc_chain()
        if not self.macros:
            self._drop_macros()
        self._finish()
        return self.parts

    def _sheets(self) -> dict[str, str]:
        """Each sheet's part, by name; a sheet that is no worksheet (a chart sheet) is refused when written."""
        parts = {}
        for sheet in self.workbook.iter(_q("sheet")):
            relationship = self.rels.by_id(sheet.get(_q("id", RELATIONSHIPS), ""))
            if relationship is None:
                continue
            parts[sheet.get("name")] = (_target(self.path, relationship), relationship.get("Type"))
        return {name: self._worksheet(name, part, kind) for name, (part, kind) in parts.items()}

    def _worksheet(self, name: str, part: str, kind: str | None) -> str:
        if kind != _WORKSHEET or part not in self.package:
            return f"!{name}"  # refused only if sync writes it
        return part

    def _edit_sheet(self, part: str, edit: SheetEdit, chart: Chart | None) -> Edited:
        if part.startswith("!"):
            raise SheetflowError(
                f"Sheet {edit.name} di {self.file_name} bukan lembar kerja biasa (misalnya lembar grafik); sync tidak "
                f"dapat menulis ke sana. Ganti nama sheet itu lalu jalankan sync lagi; tidak ada yang ditulis."
            )

        def finish(root: etree._Element, edited: Edited) -> None:
            self._refuse_merged(root, edit, edited)
            self._refuse_tables(root, part, edit, edited)
            if chart is not None:
                self._draw(root, part, chart)

        source = self.parts.added.pop(part, None)
        data = source if isinstance(source, bytes) else self.package.read(part)
        editor = SheetEditor(self, edit, finish)
        self.parts.put(part, editor.run(data))
        return editor.result

    def _refuse_merged(self, root: etree._Element, edit: SheetEdit, edited: Edited) -> None:
        for merged in root.iter(_q("mergeCell")):
            (top, left), (bottom, right) = bounds(merged.get("ref", "A1"))
            for row, column in edited.written:
                if top <= row <= bottom and left <= column <= right and (row, column) != (top, left):
                    raise SheetflowError(
                        f"Sel {letters(column)}{row} di sheet {edit.name} digabung (merge) dengan sel lain; sync tidak "
                        "dapat menulis ke sana. Pisahkan sel itu (Unmerge) lalu jalankan sync lagi; tidak ada yang "
                        "ditulis."
                    )

    def _refuse_tables(self, root: etree._Element, part: str, edit: SheetEdit, edited: Edited) -> None:
        parts = root.find(_q("tableParts"))
        if parts is None:
            return
        relationships = self.relationships(part)
        for table_part in parts.iterchildren(_q("tablePart")):
            relationship = relationships.by_id(table_part.get(_q("id", RELATIONSHIPS), ""))
            if relationship is None:
                continue
            table = _parse(self.package.read(_target(part, relationship)))
            (top, left), (_, right) = bounds(table.get("ref", "A1"))
            header = top + int(table.get("headerRowCount", "1")) - 1
            touched = edit.replace or any(top <= r <= header and left <= c <= right for r, c in edited.written)
            if touched:
                raise SheetflowError(
                    f"Sheet {edit.name} memuat tabel Excel ({table.get('displayName') or table.get('name')}, "
                    f"{table.get('ref')}) di tempat yang harus ditulis sync; menulisnya akan merusak tabel itu. "
                    "Ubah tabel itu menjadi rentang biasa (Convert to Range) lalu jalankan sync lagi; tidak ada yang "
                    "ditulis."
                )

    # ------------------------------------------------------------ sheets added, names, calcChain

    def _add_sheet(self, name: str) -> str:
        taken = set(self.package.names) | set(self.parts.added)
        folder = posixpath.join(posixpath.dirname(self.path), "worksheets")
        part = next(candidate for n in range(1, len(taken) + 2)
                    if (candidate := posixpath.join(folder, f"sheet{n}.xml")) not in taken)
        identifier = self.rels.add(_WORKSHEET, part)
        sheets = self.workbook.find(_q("sheets"))
        ids = [int(s.get("sheetId", "0")) for s in sheets.iterchildren(_q("sheet"))]
        etree.SubElement(sheets, _q("sheet"), {"name": name, "sheetId": str(max(ids, default=0) + 1),
                                               _q("id", RELATIONSHIPS): identifier})
        self.workbook_changed = True
        self._override(part, _WORKSHEET_TYPE)
        empty = etree.Element(_q("worksheet"), nsmap={None: MAIN, "r": RELATIONSHIPS})
        etree.SubElement(empty, _q("sheetData"))
        self.parts.added[part] = _serialize(empty)
        return part

    def _name_filter(self, sheet: str, reference: str) -> None:
        """Excel keeps an autofilter's range twice: in the sheet and as a hidden name."""
        if self.workbook_damaged:
            return
        names = [s.get("name") for s in self.workbook.iter(_q("sheet"))]
        index = str(names.index(sheet))
        (top, left), (bottom, right) = bounds(reference)
        quoted = "'" + sheet.replace("'", "''") + "'"
        for defined in self.workbook.iter(_q("definedName")):
            if defined.get("name") == _FILTER_NAME and defined.get("localSheetId") == index:
                defined.text = f"{quoted}!${letters(left)}${top}:${letters(right)}${bottom}"
                self.workbook_changed = True

    def _drop_calc_chain(self) -> None:
        """A cell that held a formula now holds a value: Excel rebuilds the chain it calculates
        in when there is none, and would complain of one naming a cell without a formula."""
        for relationship in self.rels.of_type(_CALC_CHAIN):
            part = _target(self.path, relationship)
            self.parts.dropped.add(part)
            self.rels.root.remove(relationship)
            self.rels.changed = True
            for override in list(self.types.iterchildren(_q("Override", _TYPES))):
                if override.get("PartName") == f"/{part}":
                    self.types.remove(override)
                    self.types_changed = True

    def _drop_macros(self) -> None:
        """Macros have no place in an .xlsx (Excel refuses to open one that carries them):
        a part smuggled in is dropped, with what it refers to."""
        for relationship in self.rels.of_type(_VBA):
            part = _target(self.path, relationship)
            macro_rels = self.relationships(part)
            self.parts.dropped |= {part, macro_rels.name} | {_target(part, r) for r in macro_rels}
            self.rels.root.remove(relationship)
            self.rels.changed = True
            for override in list(self.types.iterchildren(_q("Override", _TYPES))):
                if override.get("PartName", "").lstrip("/") in self.parts.dropped:
                    self.types.remove(override)
                    self.types_changed = True

    def _override(self, part: str, kind: str) -> None:
        etree.SubElement(self.types, _q("Override", _TYPES), PartName=f"/{part}", ContentType=kind)
        self.types_changed = True

    def _finish(self) -> None:
        if self.workbook_changed:
            if self.workbook_damaged:
                raise self._refusal("memiliki daftar sheet (workbook.xml) yang rusak")
            self.parts.put(self.path, [_serialize(self.workbook)])
        for relationships in [self.rels, *self._other_rels.values()]:
            if relationships.changed:
                self.parts.put(relationships.name, [_serialize(relationships.root)])
        self.styles.save(self.parts)
        self.strings.save(self.parts)
        if self.types_changed:
            self.parts.put("[Content_Types].xml", [_serialize(self.types)])

    # ------------------------------------------------------------ the Rekap chart

    def _draw(self, root: etree._Element, sheet_part: str, chart: Chart) -> None:
        """The chart of the replaced table, drawn afresh on the sheet's drawing; pictures or
        shapes on that drawing stay, other charts there go (the sheet is sync's)."""
        relationships = self.relationships(sheet_part)
        element = root.find(_q("drawing"))
        relationship = None if element is None else relationships.by_id(element.get(_q("id", RELATIONSHIPS), ""))
        if relationship is None:
            drawing_part = self._new_part("xl/drawings/drawing{}.xml", _DRAWING_TYPE)
            identifier = relationships.add(_DRAWING, drawing_part)
            if element is None:
                element = etree.Element(_q("drawing"))
                later = next((child for child in root if etree.QName(child).localname in _AFTER_DRAWING), None)
                if later is None:
                    root.append(element)
                else:
                    later.addprevious(element)
            element.set(_q("id", RELATIONSHIPS), identifier)
            drawing = etree.Element(_q("wsDr", _SPREADSHEET_DRAWING), nsmap={
                "xdr": _SPREADSHEET_DRAWING, "a": "http://schemas.openxmlformats.org/drawingml/2006/main"})
        else:
            drawing_part = _target(sheet_part, relationship)
            drawing = _parse(self.package.read(drawing_part))
        drawing_rels = self.relationships(drawing_part)
        chart_id = None
        for anchor in list(drawing):
            charts = anchor.findall(f".//{_q('chart', _CHART_NS)}")
            if charts:
                chart_id = chart_id or charts[0].get(_q("id", RELATIONSHIPS))
                drawing.remove(anchor)
        chart_relationship = drawing_rels.by_id(chart_id) if chart_id else None
        if chart_relationship is None:
            chart_part = self._new_part("xl/charts/chart{}.xml", _CHART_TYPE)
            chart_id = drawing_rels.add(_CHART, chart_part)
        else:
            chart_part = _target(drawing_part, chart_relationship)
        drawing.append(_anchor(chart, chart_id))
        self.parts.put(drawing_part, [_serialize(drawing)])
        self.parts.put(chart_part, [_chart_xml(chart)])

    def _new_part(self, pattern: str, kind: str) -> str:
        taken = set(self.package.names) | set(self.parts.added)
        part = next(pattern.format(n) for n in range(1, len(taken) + 2) if pattern.format(n) not in taken)
        self.parts.added[part] = b""
        self._override(part, kind)
        return part


def _anchor(chart: Chart, identifier: str) -> etree._Element:
    drawing, main = _SPREADSHEET_DRAWING, "http://schemas.openxmlformats.org/drawingml/2006/main"
    anchor = etree.Element(_q("oneCellAnchor", drawing), nsmap={"xdr": drawing, "a": main})
    start = etree.SubElement(anchor, _q("from", drawing))
    for tag, value in (("col", chart.anchor_column - 1), ("colOff", 0), ("row", chart.first_row - 1), ("rowOff", 0)):
        etree.SubElement(start, _q(tag, drawing)).text = str(value)
    etree.SubElement(anchor, _q("ext", drawing), cx=str(_CHART_SIZE[0]), cy=str(_CHART_SIZE[1]))
    frame = etree.SubElement(anchor, _q("graphicFrame", drawing), macro="")
    names = etree.SubElement(frame, _q("nvGraphicFramePr", drawing))
    etree.SubElement(names, _q("cNvPr", drawing), id="2", name=chart.title)
    etree.SubElement(names, _q("cNvGraphicFramePr", drawing))
    placed = etree.SubElement(frame, _q("xfrm", drawing))
    etree.SubElement(placed, _q("off", main), x="0", y="0")
    etree.SubElement(placed, _q("ext", main), cx="0", cy="0")
    graphic = etree.SubElement(etree.SubElement(frame, _q("graphic", main)), _q("graphicData", main),
                               uri=_CHART_NS)
    etree.SubElement(graphic, _q("chart", _CHART_NS), {_q("id", RELATIONSHIPS): identifier},
                     nsmap={"c": _CHART_NS, "r": RELATIONSHIPS})
    etree.SubElement(anchor, _q("clientData", drawing))
    return anchor


def _chart_xml(chart: Chart) -> bytes:
    sheet = "'" + chart.sheet.replace("'", "''") + "'"

    def area(column: int) -> str:
        return escape_text(f"{sheet}!${letters(column)}${chart.first_row}:${letters(column)}${chart.last_row}")

    title = escape_text(chart.title)
    xml = (
        '<chartSpace xmlns="http://schemas.openxmlformats.org/drawingml/2006/chart" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<roundedCorners val="0"/><chart>'
        f'<title><tx><rich><a:bodyPr/><a:p><a:pPr><a:defRPr/></a:pPr><a:r><a:t>{title}</a:t></a:r></a:p></rich>'
        '</tx><overlay val="0"/></title><autoTitleDeleted val="0"/>'
        '<plotArea><layout/><barChart><barDir val="col"/><grouping val="clustered"/><varyColors val="0"/>'
        '<ser><idx val="0"/><order val="0"/><invertIfNegative val="0"/>'
        f'<cat><strRef><f>{area(chart.label_column)}</f></strRef></cat>'
        f'<val><numRef><f>{area(chart.value_column)}</f></numRef></val></ser>'
        '<gapWidth val="150"/><axId val="10"/><axId val="100"/></barChart>'
        '<catAx><axId val="10"/><scaling><orientation val="minMax"/></scaling><delete val="0"/><axPos val="b"/>'
        '<majorTickMark val="none"/><minorTickMark val="none"/><tickLblPos val="nextTo"/><crossAx val="100"/>'
        '<crosses val="autoZero"/><auto val="1"/><lblAlgn val="ctr"/><lblOffset val="100"/><noMultiLvlLbl val="0"/>'
        '</catAx><valAx><axId val="100"/><scaling><orientation val="minMax"/></scaling><delete val="0"/>'
        '<axPos val="l"/><numFmt formatCode="General" sourceLinked="1"/><majorTickMark val="none"/>'
        '<minorTickMark val="none"/><tickLblPos val="nextTo"/><crossAx val="10"/><crosses val="autoZero"/>'
        '<crossBetween val="between"/></valAx></plotArea><plotVisOnly val="1"/><dispBlanksAs val="gap"/>'
        '</chart></chartSpace>'
    )
    return DECLARATION + xml.encode()


class _Styles:
    """styles.xml, parsed when a cell needs a style it may not have: a date-time format."""

    def __init__(self, package: Package, part: str | None):
        self._package = package
        self._part = part
        self._root: etree._Element | None = None
        self._dated: dict[tuple[int, str], int] = {}
        self._wraps: dict[int, bool] = {}
        self.changed = False

    def _load(self) -> etree._Element:
        if self._root is None:
            if self._part is None or self._part not in self._package:
                raise SheetflowError("Berkas register tidak memiliki bagian gaya (styles); simpan ulang di Excel atau "
                                     "LibreOffice lalu jalankan sync lagi. Tidak ada yang ditulis.")
            self._root = _parse(self._package.read(self._part))
        return self._root

    def _xfs(self) -> etree._Element:
        xfs = self._load().find(_q("cellXfs"))
        if xfs is None:
            raise SheetflowError("Bagian gaya (styles) berkas register tidak lengkap; simpan ulang di Excel atau "
                                 "LibreOffice lalu jalankan sync lagi. Tidak ada yang ditulis.")
        return xfs

    def wraps(self, style: int) -> bool:
        if style not in self._wraps:
            xfs = list(self._xfs())
            alignment = xfs[style].find(_q("alignment")) if style < len(xfs) else None
            self._wraps[style] = alignment is not None and alignment.get("wrapText") in ("1", "true")
        return self._wraps[style]

    def dated(self, style: int, fmt: str) -> int:
        key = (style, fmt)
        if key not in self._dated:
            self._dated[key] = self._find_or_add(style, fmt)
        return self._dated[key]

    def _find_or_add(self, style: int, fmt: str) -> int:
        xfs = self._xfs()
        cells = list(xfs)
        base = cells[style] if style < len(cells) else cells[0]
        number = self._format_id(fmt)
        if base.get("numFmtId") == str(number):
            return style
        wanted = _xf_key(base, number)
        for index, xf in enumerate(cells):
            if _xf_key(xf, int(xf.get("numFmtId", "0"))) == wanted and xf.get("numFmtId") == str(number):
                return index
        copied = etree.fromstring(etree.tostring(base))
        copied.set("numFmtId", str(number))
        copied.set("applyNumberFormat", "1")
        xfs.append(copied)
        xfs.set("count", str(len(xfs)))
        self.changed = True
        return len(xfs) - 1

    def _format_id(self, fmt: str) -> int:
        root = self._load()
        formats = root.find(_q("numFmts"))
        for built_in, code in _BUILT_IN_FORMATS.items():
            if code == fmt:
                return built_in
        if formats is not None:
            for existing in formats.iterchildren(_q("numFmt")):
                if existing.get("formatCode") == fmt:
                    return int(existing.get("numFmtId"))
        if formats is None:
            formats = etree.Element(_q("numFmts"))
            root.insert(0, formats)
        number = max([163, *(int(f.get("numFmtId")) for f in formats.iterchildren(_q("numFmt")))]) + 1
        etree.SubElement(formats, _q("numFmt"), numFmtId=str(number), formatCode=fmt)
        formats.set("count", str(len(formats)))
        self.changed = True
        return number

    def save(self, parts: _Parts) -> None:
        if self.changed and self._part is not None:
            parts.put(self._part, [_serialize(self._root)])


def _xf_key(xf: etree._Element, number: int) -> bytes:
    copied = etree.fromstring(etree.tostring(xf))
    copied.set("numFmtId", str(number))
    copied.set("applyNumberFormat", "1")
    return etree.tostring(copied, method="c14n")


class _Strings:
    """The shared strings, when the workbook has them: new text is appended to them."""

    def __init__(self, package: Package, part: str | None):
        self._package = package
        self._part = part if part is not None and part in package else None
        self._root: etree._Element | None = None
        self._texts: list[str] | None = None
        self._added: dict[str, int] = {}
        self._references = 0
        self._count: int | None = None
        self._last: etree._Element | None = None

    def _load(self) -> etree._Element:
        if self._root is None:
            self._root = _parse(self._package.read(self._part))
        return self._root

    def index(self, text: str) -> int | None:
        if self._part is None:
            return None
        self._references += 1
        if text not in self._added:
            root = self._load()
            if self._count is None:
                items = root.findall(_q("si"))
                self._count, self._last = len(items), (items[-1] if items else None)
            item = etree.Element(_q("si"))
            item.append(text_element(_q("t"), text))
            if self._last is None:
                root.insert(0, item)
            else:
                self._last.addnext(item)
            self._last = item
            self._added[text] = self._count
            self._count += 1
        return self._added[text]

    def text(self, index: int) -> str:
        if self._part is None:
            return ""
        for text, added in self._added.items():
            if added == index:
                return text
        if self._texts is None:
            self._texts = ["".join(item.itertext(_q("t"))) for item in self._load().iterchildren(_q("si"))]
        return self._texts[index] if index < len(self._texts) else ""

    def save(self, parts: _Parts) -> None:
        if not self._added:
            return
        root = self._root
        root.set("uniqueCount", str(self._count))
        if root.get("count") is not None:
            root.set("count", str(int(root.get("count")) + self._references))
        parts.put(self._part, [_serialize(root)])

