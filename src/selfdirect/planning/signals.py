"""Signals other apps listen to, so planning never imports them.

``plan_agreed`` (sender ``SupportPlan``, ``plan``, ``actor``, ``on``): a support plan has
been agreed (the person agreed and the worker and team manager signed). Payments sets the
person's direct-payment schedules from its Option 1 lines."""

from django.dispatch import Signal

plan_agreed = Signal()
