"""Agencies and the plans' task register (SPEC §13, §14)."""
