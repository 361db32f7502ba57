"""Edit a register in LibreOffice over UNO, as a person at the office would, and save it as .xlsx.

Run with the Python that has the ``uno`` module (the system's), not the project's:

    /usr/bin/python3 tests/lo_edit.py REGISTER.xlsx PROFILE '[["copy_row", 2, 4], ["type", 3, "Keputusan", "TOLAK"]]'

Operations: ``["unprotect"]`` lifts the template's sheet protection (no password), as an
admin does before pasting whole rows; ``["copy_row", FROM, TO]`` copies a whole row (Ctrl+C / Ctrl+V of the row);
``["type", ROW, HEADER, TEXT]`` types into the cell under HEADER (row 1) as if typed
(numbers and dates are read by LibreOffice's own input rules). Rows are 1-based.
"""

import contextlib
import json
import subprocess
import sys
import time
from pathlib import Path

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException


def prop(name, value):
    item = PropertyValue()
    item.Name, item.Value = name, value
    return item


def connect(pipe):
    resolver = uno.getComponentContext().ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", uno.getComponentContext())
    for _ in range(240):
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except NoConnectException:
            time.sleep(0.25)
    raise SystemExit("LibreOffice did not answer")


def column_of(sheet, header):
    for column in range(200):
        if sheet.getCellByPosition(column, 0).getString().strip() == header:
            return column
    raise SystemExit(f"no column {header!r}")


def main(path, profile, operations):
    pipe = f"sheetflow-{Path(profile).name}"
    office = subprocess.Popen(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--invisible",
                               "--norestore", "--nologo", f"--accept=pipe,name={pipe};urp;"])
    try:
        context = connect(pipe)
        desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        url = uno.systemPathToFileUrl(str(Path(path).resolve()))
        document = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True),))
        sheet = document.Sheets.getByName("Register")
        for operation in operations:
            if operation[0] == "unprotect":
                sheet.unprotect("")
            elif operation[0] == "copy_row":
                source = sheet.getCellRangeByName(f"A{operation[1]}:AZ{operation[1]}").getRangeAddress()
                target = sheet.getCellByPosition(0, operation[2] - 1).getCellAddress()
                sheet.copyRange(target, source)
            else:
                _, row, header, text = operation
                cell = sheet.getCellByPosition(column_of(sheet, header), row - 1)
                # A line break inside a cell is Alt+Enter: the text as it stands, not an input to read.
                cell.setString(text) if "\n" in text else cell.setFormula(text)
        document.storeToURL(url, (prop("FilterName", "Calc MS Excel 2007 XML"), prop("Overwrite", True)))
        document.close(True)
        with contextlib.suppress(Exception):  # the bridge goes away as LibreOffice quits
            desktop.terminate()
        office.wait(timeout=60)
    finally:
        if office.poll() is None:
            office.kill()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], json.loads(sys.argv[3]))
