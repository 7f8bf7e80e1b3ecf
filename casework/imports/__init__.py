"""Imports from Excel (XLSX) or CSV: the columns of each kind (``columns``), reading a file
(``files``), the template to download (``templates``) and checking the rows (``validation``).

Writing the rows and the flow (upload, preview, import, background jobs) is
``workflows/imports.py``; the pages are ``casework/import_views.py``.
"""
