"""Writers: Document (or, for the workbook, the Report's figures) → output files."""
