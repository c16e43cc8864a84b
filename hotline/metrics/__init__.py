"""Figures (考核): the three rates, composite score and ranking per unit and period."""
