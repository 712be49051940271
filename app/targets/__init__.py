"""Targets per commune per year, actuals per commune per month, and the emulation score (SPEC §16)."""
