"""Supervision records: reports to constituents, group annual reports, interviews and warnings,
awards and points."""
