"""Screens pushed over the monitor: the stock drill-down and the help."""
