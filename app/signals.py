"""Signals between features that must not import each other (blinker, as Flask's own signals)."""

from blinker import Namespace

_signals = Namespace()

# Sent by the resident's self check-in page after a check-in is recorded, before the commit, with
# `activity`, `outcome`, `form` and `now`; a receiver returns a dict merged into the thank-you page's context
# (the residents' voice feature adds the rating token and the question asked on the form, SPEC §17).
checkin_recorded = _signals.signal("checkin-recorded")
