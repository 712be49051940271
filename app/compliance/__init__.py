"""Campaign compliance: the pure engine and the shipped campaign templates."""
