"""Types text into one cell of a workbook with LibreOffice, as a person at the keyboard
would (the input line, read in the profile's locale), then saves the workbook as .xlsx.

Runs under the system Python, the only one with LibreOffice's ``uno`` module:
    /usr/bin/python3 lo_type.py WORKBOOK SHEET CELL TEXT LOCALE PROFILE_DIR
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.lang import DisposedException


def prop(name, value):
    return PropertyValue(Name=name, Value=value)


def connect(pipe):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(240):
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except Exception:  # not listening yet
            time.sleep(0.5)
    raise SystemExit("LibreOffice did not start")


def set_locale(context, locale):
    """The locale a new profile reads input in (Tools > Options > Language Settings > Languages)."""
    provider = context.ServiceManager.createInstanceWithContext(
        "com.sun.star.configuration.ConfigurationProvider", context)
    access = provider.createInstanceWithArguments(
        "com.sun.star.configuration.ConfigurationUpdateAccess", (prop("nodepath", "/org.openoffice.Setup/L10N"),))
    access.setPropertyValue("ooSetupSystemLocale", locale)
    access.commitChanges()


def main(workbook, sheet_name, cell, text, locale, profile):
    # A pipe of its own, so that LibreOffices started by other runs at the same time are not reached.
    pipe = f"sheetflow-{os.getpid()}-{uuid.uuid4().hex}"
    office = subprocess.Popen(
        ["soffice", f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--invisible", "--norestore",
         f"--accept=pipe,name={pipe};urp;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        context = connect(pipe)
        set_locale(context, locale)
        desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        url = Path(workbook).resolve().as_uri()
        document = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True),))
        try:
            controller = document.getCurrentController()
            sheet = document.Sheets.getByName(sheet_name)
            controller.setActiveSheet(sheet)
            controller.select(sheet.getCellRangeByName(cell))
            dispatcher = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.DispatchHelper", context)
            dispatcher.executeDispatch(controller.getFrame(), ".uno:EnterString", "", 0, (prop("StringName", text),))
            document.storeToURL(url, (prop("FilterName", "Calc MS Excel 2007 XML"),))
        finally:
            try:
                document.close(True)
            except DisposedException:  # the office went away while closing: the file is stored already
                pass
    finally:
        office.terminate()
        office.wait(timeout=60)


if __name__ == "__main__":
    main(*sys.argv[1:])
