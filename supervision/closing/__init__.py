"""Closed years: the guard that freezes a closed year's records, its middleware and its pages."""
