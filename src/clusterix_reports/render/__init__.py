"""Render: the report model into the PDF progress report and the Excel workbook."""
