"""Signals other apps listen to. ``policy_figure_changed`` is sent (inside the same
transaction) when an authority sets a policy figure from a date, with ``figure`` and
``actor`` and ``back_url`` (where a page a job starts should lead back to): the charging
app queues the recalculation of contributions from that date (``charging.jobs``)."""

from django.dispatch import Signal

policy_figure_changed = Signal()
