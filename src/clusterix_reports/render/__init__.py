"""Render: the computed tables into the PDF progress report and the Excel workbook."""
