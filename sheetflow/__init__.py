"""sheetflow: an approval register on a spreadsheet, driven by a declarative SOP workflow."""
