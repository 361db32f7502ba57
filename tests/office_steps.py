"""The LibreOffice side of tests/office.py: run by /usr/bin/python3, the Python that has
``uno``, never imported by the suite. Reads one job as JSON on stdin, connects to the
running LibreOffice, does the job's steps and prints what they read as JSON.

A job: {"pipe": NAME, "locale": "en-US" | null, "open": PATH, "steps": [[OP, ...], ...],
"save_as": PATH | null, "pdf": PATH | null}.
"""

import json
import sys
import time

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.lang import Locale

# Export filters by suffix: what "Save As" picks for an Excel workbook.
TEXT_FORMAT = 256  # com.sun.star.util.NumberFormat.TEXT
FILTERS = {".xlsx": "Calc MS Excel 2007 XML", ".xlsm": "Calc MS Excel 2007 VBA XML"}


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def connect(pipe, seconds=90):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + seconds
    while True:
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except Exception:  # not listening yet: a fresh profile takes a while
            if time.monotonic() > deadline:
                raise
            time.sleep(0.25)


def configure(ctx, node, name, value):
    """Set one option of the profile, as Tools > Options would."""
    provider = ctx.ServiceManager.createInstanceWithContext("com.sun.star.configuration.ConfigurationProvider", ctx)
    access = provider.createInstanceWithArguments(
        "com.sun.star.configuration.ConfigurationUpdateAccess", (prop("nodepath", node),))
    access.setPropertyValue(name, value)
    access.commitChanges()


def url(path):
    return uno.systemPathToFileUrl(path)


class Steps:
    def __init__(self, ctx, doc, locale):
        self.ctx, self.doc = ctx, doc
        language, _, country = (locale or "en-US").partition("-")
        self.locale = Locale(language, country, "")
        self.formatter = ctx.ServiceManager.createInstanceWithContext("com.sun.star.util.NumberFormatter", ctx)
        self.formatter.attachNumberFormatsSupplier(doc)

    def cell(self, sheet, ref):
        """A cell named as in Calc ("B5") or as [HEADER, ROW]: ROW (1-based) under the
        header HEADER in row 1."""
        page = self.doc.Sheets.getByName(sheet)
        if isinstance(ref, str):
            return page.getCellRangeByName(ref)
        header, row = ref
        used = page.createCursor()
        used.gotoEndOfUsedArea(False)
        for column in range(used.RangeAddress.EndColumn + 1):
            if page.getCellByPosition(column, 0).getString().strip() == header:
                return page.getCellByPosition(column, row - 1)
        raise SystemExit(f"{sheet} has no column headed {header!r}")

    def typed(self, sheet, ref, entry):
        """What Calc makes of an entry typed into a cell: a formula, a number or date as
        the locale reads it (a General cell takes the format it was recognised by), else
        text. Calc's own input line would do the same, but driving it without a window
        crashes LibreOffice now and then."""
        cell = self.cell(sheet, ref)
        if entry.startswith("="):
            cell.setFormula(entry)
            return
        formats = self.doc.NumberFormats
        current = formats.getByKey(cell.NumberFormat)
        standard = formats.getStandardIndex(self.locale)
        # A formatted cell reads input in its format's language, as Calc does: month
        # names of another language stay text.
        reading = standard if current.StandardFormat else cell.NumberFormat
        try:
            if current.Type & TEXT_FORMAT:
                raise ValueError("a cell formatted as text keeps what is typed as text")
            number = self.formatter.convertStringToNumber(reading, entry)
        except Exception:  # not a number in this locale: text
            cell.setString(entry)
            return
        if current.StandardFormat:
            cell.NumberFormat = self.formatter.detectNumberFormat(standard, entry)
        cell.setValue(number)

    def text(self, sheet, ref, value):
        self.cell(sheet, ref).setString(value)

    def formula(self, sheet, ref, value):
        self.cell(sheet, ref).setFormula(value)

    def value(self, sheet, ref, number):
        self.cell(sheet, ref).setValue(number)

    def copy(self, sheet, source, target):
        page = self.doc.Sheets.getByName(sheet)
        origin = page.getCellRangeByName(source).RangeAddress
        page.copyRange(page.getCellRangeByName(target).CellAddress, origin)

    def copy_row(self, sheet, source, target):
        page = self.doc.Sheets.getByName(sheet)
        last = page.Columns.Count - 1
        origin = page.getCellRangeByPosition(0, source - 1, last, source - 1).RangeAddress
        page.copyRange(page.getCellByPosition(0, target - 1).CellAddress, origin)

    def unprotect(self, sheet, password):
        self.doc.Sheets.getByName(sheet).unprotect(password)

    def comment(self, sheet, ref, text):
        page = self.doc.Sheets.getByName(sheet)
        page.getAnnotations().insertNew(self.cell(sheet, ref).CellAddress, text)

    def shown(self, sheet, ref):
        """The cell as LibreOffice displays it."""
        return self.cell(sheet, ref).getString()


def main():
    job = json.load(sys.stdin)
    ctx = connect(job["pipe"])
    if job.get("locale"):
        # The locale setting: how typed numbers and dates are read.
        configure(ctx, "/org.openoffice.Setup/L10N", "ooSetupSystemLocale", job["locale"])
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    doc = desktop.loadComponentFromURL(url(job["open"]), "_blank", 0, (prop("Hidden", True),))
    if doc is None:
        raise SystemExit(f"LibreOffice could not open {job['open']}")
    read = []
    try:
        steps = Steps(ctx, doc, job.get("locale"))
        for op, *args in job["steps"]:
            result = getattr(steps, op)(*args)
            if result is not None:
                read.append(result)
        doc.calculateAll()
        if job.get("save_as"):
            target = job["save_as"]
            suffix = target[target.rfind("."):].lower()
            doc.storeToURL(url(target), (prop("FilterName", FILTERS[suffix]), prop("Overwrite", True)))
        if job.get("pdf"):
            doc.storeToURL(url(job["pdf"]), (prop("FilterName", "calc_pdf_Export"), prop("Overwrite", True)))
    finally:
        doc.close(True)
    json.dump(read, sys.stdout)


if __name__ == "__main__":
    main()
