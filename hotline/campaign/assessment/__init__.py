"""The annual target assessment (年度目标考核, DESIGN §11): per unit and year, a weighted total of
components (the hotline figures, interviews, and the campaign items as they are registered in
`registry.py`), finalised by inspectors into stored, versioned results."""
