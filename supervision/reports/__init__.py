"""Year-end reports: the evaluation workbook, the feedback sheets, the export jobs that build them
in the background and their progress."""
