"""Signals core sends, so that core imports no domain app (``tests/core/test_layering.py``).

``page_refused`` is sent when the permission middleware refuses a page that names a
person (``core.permissions.person_page``), with ``user``, ``person_id`` and ``path``: the
audit app writes it to the access log (``audit.receivers``)."""

from django.dispatch import Signal

page_refused = Signal()
