"""Staff pages of the annual target assessment: the year's table and chart (inspectors), its
XLSX/CSV export and the weights form (admins)."""
