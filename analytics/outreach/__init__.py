"""Outreach planning for the police partnership (Bhabinkamtibmas visits to villages).

- :mod:`analytics.intake.outreach_rosters`: read the officer roster and the outreach event log.
- :mod:`analytics.outreach.priority`: rank villages by a documented, explainable score.
- :mod:`analytics.outreach.neighbours`: which villages touch which (for proposals).
- :mod:`analytics.outreach.plan`: week-by-week visit schedules per officer.
- :mod:`analytics.outreach.impact`: did visits raise registrations (difference in differences).
- :mod:`analytics.outreach.files`: the plan as XLSX and a printable PDF briefing.

``docs/outreach.md`` explains the method in plain words. Nothing here imports Dash, and
nothing heavy happens at import time.
"""
