"""The precheck's bounds: far above any real 绩效目标表, far below what hurts (a sheet of 1,000,000 rows × 8
columns, the standard forms' width filled down to the end of the sheet, reads in about 2 s and 0.5 GB)."""

from __future__ import annotations

MAX_UNPACKED_BYTES = 512 * 1024 * 1024  # a real 绩效目标表 package is a few hundred kB
MAX_COMPRESSION_RATIO = 200  # a sheet of text compresses ~10×; zip bombs compress ~1000×
MAX_PARSED_BYTES = 256 * 1024 * 1024  # the parts calamine parses (sheets, strings, styles), unpacked
MAX_MEMBERS = 10_000  # parts in a zip package (a workbook of 200 sheets has ~220)
MAX_SHEET_CELLS = 8_400_000  # rows × columns of a sheet's used rectangle (calamine allocates all of it): a
# whole sheet (1,048,576 rows) of the standard forms' 8 columns
MAX_OPENPYXL_CELLS = 2_000_000  # cells (and merged cells) of a workbook openpyxl may load to write a copy:
# it builds an object of about 0.5 kB for each, so this is about 1 GB
MAX_BOOK_CELLS = 10_000_000  # the same, summed over the sheets of a workbook
MAX_XLS_BYTES = 256 * 1024 * 1024  # an .xls is read into memory to walk its OLE directory
MAX_PERCENT_CELLS = 200_000  # percent-formatted numeric cells recorded per workbook; beyond, no more are
MAX_CELL_FORMATS = 200_000  # cell formats (<xf> of <cellXfs>) read from styles.xml; Excel allows ~64,000
EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CHUNK = 256 * 1024
