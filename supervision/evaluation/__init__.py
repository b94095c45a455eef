"""Evaluation: counting each deputy's records against the rules (compliance), the Art. 29
candidates and the status as of a date."""
