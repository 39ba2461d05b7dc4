"""Comparing a proposal's lines with the baselines in force on its date (the core call of budget review)."""
