"""The leadership dashboard: the year's figures per delegation, cached and recomputed when records
change."""
