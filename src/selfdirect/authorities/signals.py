"""Signals other apps listen to. ``policy_figure_changed`` is sent (inside the same
transaction) when an authority sets a policy figure from a date, with ``figure`` and
``actor``: the charging app recalculates contributions from that date."""

from django.dispatch import Signal

policy_figure_changed = Signal()
