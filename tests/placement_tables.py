from sheetflow.table import Sheet


def sheet(*rows, name="Register"):
    return Sheet(name, tuple(tuple(r) for r in rows))
