"""`make sheet-export` / `make sheet-import` / `make report`: curate records in a spreadsheet.

columns → export (records → .xlsx/.csv) → workbook (read a sheet back) →
apply (rows → validated changes → records) → report (what is still missing).
"""
