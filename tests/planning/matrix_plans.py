"""Permission-matrix rows for the support plan pages (see tests/test_permission_matrix.py).

- The plan (``planning.view_options``) follows seeing the person: their worker, team
  managers and finance officers of their council, the person and those they let see or
  act. Staff who see people but not this one get 404, other roles 403.
- Writing and signing it (``planning.write_plan``) follows changing the record: the
  person's worker or team manager.
- Agreeing it (``planning.agree_own_plan``): the person and whoever acts for them online,
  or their worker or team manager recording how the person agreed.
- A decision that it may cost more than the budget (``planning.manage_plan``): the team
  managers of the person's council.
- A request to pay a family member as a personal assistant is written like the plan; its
  decision is a team manager's or a panel member's of the person's council
  (``planning.manage_plan`` or ``allocation.sit_on_panel``).
- The printable plan and its PDF follow seeing the plan.
- Referring an Option 2 or 3 line to a provider is written like the plan.
- The referrals pages are for the people who work for a provider
  (``planning.respond_to_referral``): scot_provider_user works for the provider the line
  is referred to; every other actor is refused (they work for no provider).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tests.matrix import ACTORS, NOT_FOUND, OK, REFUSED, SIGN_IN, row  # noqa: F401

_VIEW = row(REFUSED, anonymous=SIGN_IN, scot_social_worker=OK, scot_other_social_worker=NOT_FOUND,
            scot_team_manager=OK, scot_finance_officer=OK, eng_social_worker=NOT_FOUND,
            eng_team_manager=NOT_FOUND, eng_finance_officer=NOT_FOUND, the_person=OK,
            carer_viewing=OK, attorney_acting=OK)
_WRITE = row(REFUSED, anonymous=SIGN_IN, scot_social_worker=OK,
             scot_other_social_worker=NOT_FOUND, scot_team_manager=OK,
             eng_social_worker=NOT_FOUND, eng_team_manager=NOT_FOUND)
_AGREE = {**_WRITE, "the_person": OK, "attorney_acting": OK, "carer_viewing": NOT_FOUND}
_MANAGE = row(REFUSED, anonymous=SIGN_IN, scot_team_manager=OK, eng_team_manager=NOT_FOUND)
_DECIDE = {**_MANAGE, "scot_panel_member": OK}

MATRIX: dict[str, dict[str, int]] = {
    "person-plan": _VIEW,
    "plan-start": _WRITE,
    "plan-line-add": _WRITE,
    "plan-line-edit": _WRITE,
    "plan-line-remove": _WRITE,
    "plan-outcome-reason": _WRITE,
    "plan-over-budget": _MANAGE,
    "plan-agree": _AGREE,
    "plan-sign": _WRITE,
    "plan-family-pa-request": _WRITE,
    "plan-family-pa-decide": _DECIDE,
    "person-plan-print": _VIEW,
    "person-plan-pdf": _VIEW,
    "plan-line-refer": _WRITE,
    "provider-referrals": row(REFUSED, anonymous=SIGN_IN, scot_provider_user=OK),
    "provider-referral": row(REFUSED, anonymous=SIGN_IN, scot_provider_user=OK),
}


def url_for(page: str, users: dict[str, Any], person: Any) -> str:
    """A draft plan with one line and one agreed outcome (none for ``plan-start``), and a
    request to pay a family member as a personal assistant for its decision page."""
    import datetime

    from selfdirect.outcomes.models import PersonalOutcome
    from selfdirect.planning import plans

    if page not in MATRIX:
        raise KeyError(page)
    if page in ("person-plan", "plan-start"):
        return reverse(page, args=[person.pk])
    worker = users["scot_social_worker"]
    outcome = PersonalOutcome.objects.create(
        person=person, in_own_words="I want to get to the allotment",
        state=PersonalOutcome.State.AGREED, agreed_on=datetime.date(2026, 11, 25),
        created_by=worker)
    plan = plans.plan_start(actor=worker, person=person)
    line = plans.line_add(actor=worker, plan=plan, expected_version=plan.version,
                          outcome=outcome, what="Allotment support", who_kind="pa",
                          weekly_cost=6000, option="1", service_type="social_support",
                          contingency="Her brother covers")
    if page == "plan-line-add":
        return reverse(page, args=[person.pk])
    if page in ("plan-line-edit", "plan-line-remove"):
        return reverse(page, args=[plan.pk, line.pk])
    if page == "plan-outcome-reason":
        return reverse(page, args=[plan.pk, outcome.pk])
    if page in ("person-plan-print", "person-plan-pdf"):
        return reverse(page, args=[person.pk])
    if page in ("plan-line-refer", "provider-referrals", "provider-referral"):
        from selfdirect.planning.referrals import referral_send
        from selfdirect.providers.models import ProviderMember
        from tests.providers.factories import provider_in

        plan.refresh_from_db()
        day_centre = plans.line_add(actor=worker, plan=plan, expected_version=plan.version,
                                    outcome=outcome, what="Day centre", who_kind="provider",
                                    weekly_cost=4000, option="3", service_type="day_service")
        if page == "plan-line-refer":
            return reverse(page, args=[day_centre.pk])
        provider = provider_in(person.authority, districts=[], service_types=["day_service"])
        referral = referral_send(actor=worker, line=day_centre, provider=provider)
        ProviderMember.objects.create(provider=provider, user=users["scot_provider_user"])
        if page == "provider-referrals":
            return reverse(page)
        return reverse(page, args=[referral.pk])
    if page == "plan-family-pa-decide":
        plan.refresh_from_db()
        exception = plans.family_pa_request(
            actor=worker, plan=plan, expected_version=plan.version, family_member="Catriona",
            relationship="daughter", reason="No agency covers the island",
            circumstances=["limited_choice"], both_agree=True, can_meet_needs=True, line=line)
        return reverse(page, args=[exception.pk])
    return reverse(page, args=[plan.pk])
