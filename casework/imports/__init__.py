"""Imports from Excel (XLSX) or CSV: the columns of each kind (``columns``), and reading a file
and writing the template of each kind (``files``).

Checking the rows is ``workflows/import_checks.py``; writing them and the flow (upload,
preview, import, background jobs) is ``workflows/imports.py``; the pages are
``web/views/imports.py``.
"""
