"""Workbook files: reading them (python-calamine, after a hostile-file precheck) and writing annotated copies (openpyxl)."""
