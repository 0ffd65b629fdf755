"""The report model: every figure of a period's reports, computed once, read by every edition."""
