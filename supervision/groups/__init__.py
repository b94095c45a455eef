"""Group leaders' pages: their group's members against the rules, award pre-screening."""
