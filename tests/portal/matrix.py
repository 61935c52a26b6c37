"""Permission-matrix rows for this domain's pages (see tests/test_permission_matrix.py).

403 or 404, the way the main matrix decides: 403 when the actor can never use the page
(the middleware refuses before any record is opened), 404 when they could use it for
someone but not for this person (the record's existence is not disclosed).

The person's own pages under /my/ are never for staff: staff work on the person's record
from the staff pages, and must not write a self-assessment, propose outcomes or comment
"as the person". No staff role has portal access, so the middleware refuses them: 403,
like ``portal-home``. (A staff member who is also someone's carer has portal access; on
another person's pages they get 404, tested in tests/portal/test_views.py.)

- What matters to you (write, choose outcomes, share): the person and whoever may act for
  them. A carer with view access may read the assessment but not write: 404 here.
- Reading the assessment: the person and anyone with view or act access in force.
- The advocate whose consent was withdrawn has no portal access left: 403.
- Asking for support is public. Its "sent" page shows a reference only to the browser
  that sent a request; everyone else is sent back to the form (302).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tests.matrix import ACTORS, NOT_FOUND, OK, REFUSED, SIGN_IN, row  # noqa: F401

_SPEAK = row(REFUSED, anonymous=SIGN_IN, the_person=OK, attorney_acting=OK,
             carer_viewing=NOT_FOUND)
_READ = row(REFUSED, anonymous=SIGN_IN, the_person=OK, attorney_acting=OK, carer_viewing=OK)

MATRIX: dict[str, dict[str, int]] = {
    "portal-what-matters": _SPEAK,
    "portal-what-matters-outcomes": _SPEAK,
    "portal-what-matters-check": _SPEAK,
    "portal-assessments": _READ,
    "portal-assessment": _READ,
    "self-referral": row(OK),
    # No request sent from this browser: back to the form (302), for everyone.
    "self-referral-sent": row(302),
}

PERSON_PAGES = {"portal-what-matters", "portal-what-matters-outcomes",
                "portal-what-matters-check", "portal-assessments"}


def url_for(page: str, users: dict[str, Any], person: Any) -> str:
    """The URL to ask for ``page`` about ``person`` (create what it needs with services)."""
    if page in PERSON_PAGES:
        return reverse(page, args=[person.pk])
    if page == "portal-assessment":
        from selfdirect.assessments.services import assessment_start

        assessment = assessment_start(actor=users["scot_social_worker"], person=person)
        return reverse(page, args=[assessment.pk])
    if page in ("self-referral", "self-referral-sent"):
        return reverse(page)
    raise KeyError(page)
