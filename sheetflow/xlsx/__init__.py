"""Excel backend and template: the register as an .xlsx file.

Nothing is imported here: checking who has a file open must not load the reader.
"""
