"""Permission-matrix rows for the ras pages (see tests/test_permission_matrix.py)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tests.matrix import ACTORS, NOT_FOUND, OK, REFUSED, SIGN_IN, row  # noqa: F401

# The questionnaire is the authority's administrator's. The list shows the administrator's
# own authority's versions (so Manchester's administrator gets Manchester's list); a
# version of Edinburgh's is not found for Manchester's administrator.
_ADMIN_OF_VERSION = row(REFUSED, anonymous=SIGN_IN, scot_administrator=OK,
                        eng_administrator=NOT_FOUND)

MATRIX: dict[str, dict[str, int]] = {
    "ras-versions": row(REFUSED, anonymous=SIGN_IN, scot_administrator=OK, eng_administrator=OK),
    "ras-version": _ADMIN_OF_VERSION,
    "ras-price-change": _ADMIN_OF_VERSION,
    "ras-draft": _ADMIN_OF_VERSION,
    "ras-points": _ADMIN_OF_VERSION,
    "ras-publish": _ADMIN_OF_VERSION,
    "ras-bands": _ADMIN_OF_VERSION,
    "ras-rules": _ADMIN_OF_VERSION,
}


def _versions(users: dict[str, Any], person: Any) -> tuple[Any, Any]:
    """A live version of the person's (Scottish) authority, and a draft copy of it."""
    import datetime

    from selfdirect.allocation import services as allocation
    from tests.allocation.test_ras import START

    admin = users["scot_administrator"]
    live = allocation.ras_version_publish(actor=admin, version=allocation.ras_version_create_default(
        actor=admin, authority=person.authority, effective_from=START))
    draft = allocation.ras_version_draft_from(actor=admin, version=live,
                                              effective_from=START + datetime.timedelta(days=365))
    return live, draft


def url_for(page: str, users: dict[str, Any], person: Any) -> str:
    if page == "ras-versions":
        return reverse(page)
    live, draft = _versions(users, person)
    if page in ("ras-version", "ras-price-change", "ras-draft"):
        return reverse(page, args=[live.pk])
    if page in ("ras-points", "ras-publish", "ras-bands", "ras-rules"):
        return reverse(page, args=[draft.pk])
    raise KeyError(page)
