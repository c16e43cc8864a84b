"""The 办事不求人 campaign (DESIGN §11): negative lists and plans, public commitments, spot checks
and special inspections, and the annual target assessment built from them and the figures."""
