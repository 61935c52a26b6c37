"""Demo choice and planning: the person's own choice of options and a plan being written,
and someone for whom a direct payment is not available for now, through the real
services so the rules and history apply."""

from __future__ import annotations

import datetime
from typing import Any

from selfdirect.allocation.models import IndicativeBudget
from selfdirect.core import clock
from selfdirect.outcomes.models import PersonalOutcome
from selfdirect.people.models import Person
from selfdirect.planning import plans
from selfdirect.planning.models import OptionChoice
from selfdirect.planning.services import option_choice_record


def load_demo_planning(*, authority: Any, worker: Any, manager: Any,
                       person_with_login: Person) -> int:
    """Load once; returns how many people were given a choice (0 when already loaded)."""
    if OptionChoice.objects.filter(person__authority=authority).exists():
        return 0
    today = clock.today()
    option_choice_record(
        actor=manager, person=person_with_login, options=["1", "3"], decided_on=today,
        present="Glen, his sister Fiona, and his worker",
        explained_how="Face to face at home, with the easy read leaflet", broker_helped=True)
    plan = plans.plan_start(actor=manager, person=person_with_login)
    outcome = PersonalOutcome.objects.filter(person=person_with_login).first()
    plans.line_add(
        actor=manager, plan=plan, expected_version=plan.version, outcome=outcome,
        what="A personal assistant to go swimming with Glen", who_kind="pa",
        who_name="To be recruited", when="Tuesday afternoons", weekly_cost=6500, option="1",
        service_type="social_support",
        contingency="If the PA is ill, Fiona goes with Glen; the support organisation helps "
                    "find cover")
    plan.refresh_from_db()
    plans.line_add(
        actor=manager, plan=plan, expected_version=plan.version, outcome=None,
        what="Payroll service for the PA", who_kind="provider", who_name="Lothian Payroll",
        weekly_cost=450, option="1", service_type="other",
        contingency="The support organisation runs the payroll if the service stops")
    made = 1
    other = (Person.objects.filter(authority=authority,
                                   budgets__state=IndicativeBudget.State.AGREED)
             .exclude(pk=person_with_login.pk).order_by("pk").first())
    if other is not None:
        option_choice_record(
            actor=manager, person=other, options=["3"], decided_on=today,
            present=f"{other.display_name} and their worker",
            direct_payment_available=False,
            direct_payment_reasons=("A direct payment was ended last year after money was not "
                                    "used for support; we will look again once the new "
                                    "support organisation has worked with them."),
            direct_payment_review_on=today + datetime.timedelta(days=182))
        made += 1
    return made


def delete_demo_planning(*, authority_codes: list[str]) -> None:
    """Remove the planning records of the demo authorities, children first."""
    from selfdirect.planning.models import SupportPlan

    SupportPlan.objects.filter(person__authority__code__in=authority_codes).delete()
    OptionChoice.objects.filter(person__authority__code__in=authority_codes).delete()
