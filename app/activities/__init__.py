"""Activities: record every kind of communication activity with its results (SPEC §3)."""
