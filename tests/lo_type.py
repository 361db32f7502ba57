"""Types text into one cell of a workbook with LibreOffice, as a person at the keyboard
would (the input line, read in the profile's locale), then saves the workbook as .xlsx.

Runs under the system Python, the only one with LibreOffice's ``uno`` module:
    /usr/bin/python3 lo_type.py WORKBOOK SHEET CELL TEXT LOCALE PROFILE_DIR
"""

import subprocess
import sys
import time
from pathlib import Path

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    return PropertyValue(Name=name, Value=value)


def connect(port):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(120):
        try:
            return resolver.resolve(f"uno:socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext")
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


def main(workbook, sheet_name, cell, text, locale, profile, port="2401"):
    office = subprocess.Popen(
        ["soffice", f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--invisible", "--norestore",
         f"--accept=socket,host=127.0.0.1,port={port};urp;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        context = connect(port)
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
            document.close(True)
    finally:
        office.terminate()
        office.wait(timeout=60)


if __name__ == "__main__":
    main(*sys.argv[1:])
