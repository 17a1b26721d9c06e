"""The content types of the office documents the app stores, mails and serves.

One definition each, imported wherever a DOCX or XLSX file is stored or sent.
"""

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
