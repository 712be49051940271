"""The domain's vocabulary, below the models: activity kinds and their results, date parsing, role sets.

Plain Python (no Flask, no SQLAlchemy): the models import it, and so may every layer above them.
"""
