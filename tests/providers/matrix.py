"""Permission-matrix rows for the provider directory (see tests/test_permission_matrix.py).

- The directory, a provider's page and the PA register: any staff member of an authority
  and anyone with a portal (the person, and those they let see or act for them).
- Adding and changing providers, marking the framework list: commissioners and
  administrators. So are keeping a provider up to date (its services, locations, areas in
  the user's own council, inspection grades, the people who work for it) and adding PAs.
- Withdrawing a PA's consent: commissioners and administrators of a council the PA covers
  (the PA asked about covers Edinburgh, so Manchester's administrator is refused).
- "Find a provider for this person" follows seeing the person.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tests.matrix import ACTORS, NOT_FOUND, OK, REFUSED, SIGN_IN, row  # noqa: F401

_DIRECTORY = row(REFUSED, anonymous=SIGN_IN,
                 **{a: OK for a in ACTORS if a.startswith(("scot_", "eng_"))},
                 the_person=OK, carer_viewing=OK, attorney_acting=OK)
_MANAGE = row(REFUSED, anonymous=SIGN_IN, scot_commissioner=OK, scot_administrator=OK,
              eng_administrator=OK)
_VIEW_PERSON = row(REFUSED, anonymous=SIGN_IN, scot_social_worker=OK,
                   scot_other_social_worker=NOT_FOUND, scot_team_manager=OK,
                   scot_finance_officer=OK, eng_social_worker=NOT_FOUND,
                   eng_team_manager=NOT_FOUND, eng_finance_officer=NOT_FOUND, the_person=OK,
                   carer_viewing=OK, attorney_acting=OK)

MATRIX: dict[str, dict[str, int]] = {
    "provider-search": _DIRECTORY,
    "provider-detail": _DIRECTORY,
    "personal-assistants": _DIRECTORY,
    "provider-add": _MANAGE,
    "provider-edit": _MANAGE,
    "provider-framework": _MANAGE,
    "person-providers": _VIEW_PERSON,
    "provider-service-add": _MANAGE,
    "provider-service-edit": _MANAGE,
    "provider-location-add": _MANAGE,
    "provider-location-remove": _MANAGE,
    "provider-areas": _MANAGE,
    "provider-grade-add": _MANAGE,
    "provider-members": _MANAGE,
    "provider-member-remove": _MANAGE,
    "personal-assistant-add": _MANAGE,
    "personal-assistant-withdraw": {**_MANAGE, "eng_administrator": REFUSED},
}
_OF_A_PROVIDER = ("provider-detail", "provider-edit", "provider-framework",
                  "provider-service-add", "provider-location-add", "provider-areas",
                  "provider-grade-add", "provider-members")


def url_for(page: str, users: dict[str, Any], person: Any) -> str:
    if page == "person-providers":
        return reverse(page, args=[person.pk])
    from tests.providers.factories import (
        PersonalAssistantFactory,
        ProviderLocationFactory,
        ProviderMemberFactory,
        provider_in,
    )

    if page == "personal-assistant-withdraw":
        return reverse(page, args=[PersonalAssistantFactory(covers=[person.authority]).pk])
    if page in ("provider-search", "provider-add", "personal-assistants",
                "personal-assistant-add"):
        return reverse(page)
    provider = provider_in(person.authority)
    if page in _OF_A_PROVIDER:
        return reverse(page, args=[provider.pk])
    if page == "provider-service-edit":
        return reverse(page, args=[provider.pk, provider.services.get().pk])
    if page == "provider-location-remove":
        return reverse(page, args=[provider.pk, ProviderLocationFactory(provider=provider).pk])
    member = ProviderMemberFactory(provider=provider)
    return reverse(page, args=[provider.pk, member.pk])
