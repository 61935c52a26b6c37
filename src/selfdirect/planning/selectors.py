"""The four options explained for one person, with the amounts that apply to them.

Each option says, in plain English and with equal weight: who holds the money, who
chooses the support, who arranges it, what the person would be responsible for, the help
there is with that, and the amount and the period it covers for this person's budget.
Option 1's amount is the net direct payment: the budget for four weeks less four weeks
of the person's contribution (paid four-weekly in advance). The contribution is shown
only to someone who may see the person's money; others see the budget and a note.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from selfdirect.allocation.arithmetic import side_by_side
from selfdirect.allocation.models import IndicativeBudget
from selfdirect.allocation.selectors import person_current_budget
from selfdirect.core import clock
from selfdirect.core.money import format_pounds
from selfdirect.people.models import Person
from selfdirect.planning.models import OptionChoice

WEEKS_PAID_IN_ADVANCE = 4


@dataclass(frozen=True)
class OptionExplained:
    number: str
    title: str
    money_held_by: str
    chooses: str
    arranges: str
    responsibilities: list[str]
    help_available: list[str]
    amount: str = ""
    period: str = ""
    amount_note: str = ""
    available: bool = True
    unavailable_reasons: str = ""
    review_on: datetime.date | None = None


@dataclass(frozen=True)
class OptionsExplained:
    person: Person
    budget: IndicativeBudget | None
    budget_state: str
    yearly: str
    four_weekly: str
    contribution_weekly: str  # "" when not shown or none
    options: list[OptionExplained] = field(default_factory=list)
    current_choice: OptionChoice | None = None


def current_choice(person: Person) -> OptionChoice | None:
    return OptionChoice.objects.filter(person=person).order_by("-decided_on", "-pk").first()


def options_explained(*, person: Person, user: Any,
                      on: datetime.date | None = None) -> OptionsExplained:
    on = on or clock.today()
    budget = person_current_budget(person=person)
    choice = current_choice(person)
    sees_money = user.has_perm("charging.view_charging", person)
    contribution = 0
    contribution_text = ""
    if sees_money:
        from selfdirect.charging.services import contribution_on

        current = contribution_on(person, on)
        contribution = current.weekly_amount if current else 0
        contribution_text = format_pounds(contribution) if current else ""
    yearly = four_weekly = 0
    if budget is not None:
        periods = side_by_side(budget.total, "yearly")
        yearly, four_weekly = periods["yearly"], periods["four_weekly"]
    has_budget = budget is not None

    def amount(pence: int) -> str:
        return format_pounds(pence) if has_budget else ""

    if sees_money:
        net = max(four_weekly - WEEKS_PAID_IN_ADVANCE * contribution, 0)
        dp_note = (f"Your budget for four weeks ({format_pounds(four_weekly)}) less four weeks "
                   f"of your contribution ({format_pounds(contribution)} a week)."
                   if contribution else "Your whole budget for four weeks: you pay no contribution.")
    else:
        net = four_weekly
        dp_note = "The budget for four weeks, less any contribution the person pays."
    held_note = (f"Your contribution of {contribution_text} a week is paid to the council."
                 if sees_money and contribution else "")
    unavailable = choice is not None and not choice.direct_payment_available
    options = [
        OptionExplained(
            number="1", title="Option 1: a direct payment",
            money_held_by="You do, in a bank account used only for your support or on a "
                          "prepaid card. Someone you choose can manage it for you.",
            chooses="You choose your support and who gives it.",
            arranges="You arrange it: you can employ personal assistants, buy support "
                     "from an agency, or pay for other things that meet your outcomes.",
            responsibilities=[
                "Keep simple records of what the money is spent on.",
                "If you employ personal assistants, you are their employer: contracts, pay, "
                "tax and National Insurance, pension, holiday pay, insurance and checks. "
                "Your budget includes these costs.",
                "Have a plan for when a personal assistant is ill or leaves.",
            ],
            help_available=[
                "An independent support organisation or broker can help you plan and "
                "recruit.",
                "A payroll service, paid from your budget, can pay your staff for you.",
                "If you are left without care, the council can arrange cover for a while.",
            ],
            amount=amount(net), period="every four weeks, paid in advance",
            amount_note=dp_note if has_budget else "",
            available=not unavailable,
            unavailable_reasons=choice.direct_payment_reasons if unavailable and choice else "",
            review_on=choice.direct_payment_review_on if unavailable and choice else None),
        OptionExplained(
            number="2", title="Option 2: you choose, the council or a provider holds the money",
            money_held_by="The council, or a provider you choose, holds it for you.",
            chooses="You choose your support and who gives it.",
            arranges="The council or the provider arranges and pays for it, as you direct.",
            responsibilities=["Tell them how, when and by whom you want your support given."],
            help_available=["Your worker and the provider help you plan how to use the money."],
            amount=amount(yearly), period="a year", amount_note=held_note),
        OptionExplained(
            number="3", title="Option 3: the council chooses and arranges",
            money_held_by="The council.",
            chooses="The council chooses your support, after talking with you about what "
                    "matters to you.",
            arranges="The council arranges it and pays for it.",
            responsibilities=["None as an employer. Tell your worker if the support is not "
                              "working for you."],
            help_available=["Your worker arranges and reviews the support with you."],
            amount=amount(yearly), period="a year", amount_note=held_note),
        OptionExplained(
            number="4", title="Option 4: a mix of options",
            money_held_by="Each part as its option says.",
            chooses="For each kind of support you pick Option 1, 2 or 3.",
            arranges="As each part's option says.",
            responsibilities=["The responsibilities of each option you use, for that part "
                              "only."],
            help_available=["The help available with each option you use."],
            amount=amount(yearly), period="a year, shared between the options in your plan",
            amount_note=held_note),
    ]
    return OptionsExplained(
        person=person, budget=budget,
        budget_state=budget.get_state_display().lower() if budget else "",
        yearly=amount(yearly), four_weekly=amount(four_weekly),
        contribution_weekly=contribution_text, options=options, current_choice=choice)
