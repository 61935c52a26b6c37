"""Signals other apps listen to, so spending never imports them.

``request_made`` (sender ``SpendingRequest``; ``spending_request``, ``actor``, ``origin``):
a spending request was made. ``origin`` says what it was made from, as the page was
asked: ``{"shortfall": "<alert id>"}`` when the person asked to use money a provider's
shortfall left unspent (payments links the alert to the request)."""

from django.dispatch import Signal

request_made = Signal()
