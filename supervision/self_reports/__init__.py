"""Deputies' self-reports (填报→审核) and their 错重漏 flags on their own records."""
