"""Referrals: a plan's Option 2 or 3 support line sent to a provider, who accepts it or
declines it with a reason. A provider who works for someone sees only the referrals sent
to their own provider, with what they need to know to give the support well (the line,
the outcome it serves, and the person's cultural and communication needs), and nothing
else of the person's record.

A provider off the council's framework list, or outside the person's area, can still be
chosen: the search says so, and the referral records why it was chosen. Nothing blocks it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from selfdirect.core.services import require_perm, save_with_history
from selfdirect.people.models import Person
from selfdirect.planning.models import Referral, SupportLine, SupportPlan
from selfdirect.providers.models import Provider, ProviderAuthority, ServiceArea
from selfdirect.providers.selectors import postcode_district

OPEN = (Referral.Status.SENT, Referral.Status.ACCEPTED)


def provider_gaps(provider: Provider, person: Person) -> list[str]:
    """Why choosing this provider for this person needs a recorded decision: off the
    council's framework list, or not working in the person's area."""
    gaps = []
    on_list = ProviderAuthority.objects.filter(provider=provider, authority_id=person.authority_id,
                                               on_framework=True).exists()
    if not on_list:
        gaps.append(f"{provider.name} is not on {person.authority.name}'s framework list")
    area = ServiceArea.objects.filter(provider=provider, authority_id=person.authority_id).first()
    district = postcode_district(person.postcode or "")
    if area is None:
        gaps.append(f"{provider.name} does not say it works in {person.authority.name}")
    elif area.districts and district and district not in area.districts:
        gaps.append(f"{provider.name} does not say it covers {district}")
    return gaps


@transaction.atomic
def referral_send(*, actor: Any, line: SupportLine, provider: Provider, message: str = "",
                  chosen_despite: str = "") -> Referral:
    person = line.plan.person
    require_perm(actor, "planning.write_plan", person)
    errors: dict[str, str] = {}
    if line.option not in ("2", "3"):
        errors["line"] = ("Referrals are for support under options 2 and 3: under option 1 the "
                          "person arranges their own support")
    if line.plan.status == SupportPlan.Status.REPLACED:
        errors["line"] = "This plan has been replaced: refer from the current plan"
    if Referral.objects.filter(line=line, status__in=OPEN).exists():
        errors["provider"] = ("This support is already with a provider: withdraw that referral "
                              "first")
    gaps = provider_gaps(provider, person)
    if gaps and not chosen_despite.strip():
        errors["chosen_despite"] = (f"{'; '.join(gaps)}. Record why this provider is chosen "
                                    "(it can still be chosen)")
    if errors:
        raise ValidationError(errors)
    referral = Referral(line=line, provider=provider, message=message.strip(),
                        chosen_despite=chosen_despite.strip() if gaps else "", sent_by=actor)
    save_with_history(referral, actor=actor, reason=f"Referred to {provider.name}")
    return referral


@transaction.atomic
def referral_respond(*, actor: Any, referral: Referral, accept: bool,
                     reason: str = "") -> Referral:
    """The provider accepts, or declines with a reason the worker and the person read."""
    require_perm(actor, "planning.respond_to_referral", referral)
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status != Referral.Status.SENT:
        raise ValidationError({"accept": "This referral has already been answered or withdrawn"})
    if not accept and not reason.strip():
        raise ValidationError({"decline_reason": "Say why you cannot take this on, so the "
                                                 "worker can find someone else"})
    referral.status = Referral.Status.ACCEPTED if accept else Referral.Status.DECLINED
    referral.responded_by, referral.responded_at = actor, timezone.now()
    referral.decline_reason = "" if accept else reason.strip()
    save_with_history(referral, actor=actor,
                      reason=f"Referral {referral.get_status_display().lower()}")
    return referral


@transaction.atomic
def referral_withdraw(*, actor: Any, referral: Referral) -> Referral:
    require_perm(actor, "planning.write_plan", referral.line.plan.person)
    if referral.status != Referral.Status.SENT:
        raise ValidationError({"status": "Only a referral waiting for the provider can be "
                                         "withdrawn"})
    referral.status = Referral.Status.WITHDRAWN
    save_with_history(referral, actor=actor, reason="Referral withdrawn")
    return referral


def referrals_for_member(user: Any) -> QuerySet[Referral]:
    """The referrals sent to the providers ``user`` works for, newest first (one query)."""
    return (Referral.objects.filter(provider__members__user=user, provider__members__active=True)
            .select_related("provider", "line__plan__person", "line__outcome")
            .order_by("-sent_at", "-pk").distinct())
