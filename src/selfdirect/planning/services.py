"""Recording the person's choice of options."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from selfdirect.allocation.models import IndicativeBudget
from selfdirect.core.services import require_perm, save_with_history
from selfdirect.people.models import Person
from selfdirect.planning.models import OPTION_NUMBERS, OptionChoice


@transaction.atomic
def option_choice_record(*, actor: Any, person: Person, options: list[str] | set[str],
                         decided_on: datetime.date, present: str, explained_how: str = "",
                         advocate_helped: bool = False, broker_helped: bool = False,
                         no_choice: bool = False, direct_payment_available: bool = True,
                         direct_payment_reasons: str = "",
                         direct_payment_review_on: datetime.date | None = None,
                         budget: IndicativeBudget | None = None) -> OptionChoice:
    """Record the person's choice. No choice made is recorded as Option 3 with that said;
    a direct payment that is not available needs the reasons and a date to look again."""
    require_perm(actor, "planning.record_choice", person)
    chosen = sorted(set(options))
    errors: dict[str, str] = {}
    if any(o not in OPTION_NUMBERS for o in chosen):
        errors["options"] = "Choose from options 1, 2 and 3"
    if no_choice and chosen:
        errors["options"] = ("Either record the options the person chose, or that they made "
                             "no choice, not both")
    elif not no_choice and not chosen:
        errors["options"] = ("Select the options the person chose (more than one is Option 4), "
                             "or that they made no choice")
    if not direct_payment_available:
        if "1" in chosen:
            errors["options"] = ("A direct payment (option 1) is recorded as not available: "
                                 "choose from options 2 and 3")
        if not direct_payment_reasons.strip():
            errors["direct_payment_reasons"] = (
                "Give the reasons a direct payment is not available: the person is told them "
                "in writing")
        if direct_payment_review_on is None:
            errors["direct_payment_review_on"] = "Enter the date it will be looked at again"
        elif direct_payment_review_on <= decided_on:
            errors["direct_payment_review_on"] = (
                "The date it will be looked at again must be after the date of the choice")
    if not present.strip():
        errors["present"] = "Say who was present, including the person"
    if budget is not None and budget.person_id != person.pk:
        errors["budget"] = "That budget is not this person's"
    if errors:
        raise ValidationError(errors)
    choice = OptionChoice(
        person=person, budget=budget, options="3" if no_choice else "".join(chosen),
        no_choice=no_choice, decided_on=decided_on, present=present.strip(),
        explained_how=explained_how.strip(), advocate_helped=advocate_helped,
        broker_helped=broker_helped, direct_payment_available=direct_payment_available,
        direct_payment_reasons=direct_payment_reasons.strip() if not direct_payment_available else "",
        direct_payment_review_on=direct_payment_review_on if not direct_payment_available else None,
        recorded_by=actor)
    save_with_history(choice, actor=actor, reason=f"Choice recorded: {choice.label}")
    return choice
