"""What the carers app holds about a person (``selfdirect.dataprotection.registry``).

A carer's support plan belongs to the carer's record. For the person they care for, the
export shows that an offer or a plan names them, with its dates and state, not what the
carer said about their own life (someone else's information)."""

from selfdirect.carers.models import (
    AdultCarerSupportPlan,
    CarerEligibilityArea,
    CarerEligibilityDecision,
    CarerLink,
    CarerSupportPlanOffer,
    PlanOutcome,
)
from selfdirect.dataprotection.registry import Part, Section, register

THEIRS = ("The carer's own record: only that it names you is shown. Its history is part of "
          "the carer's record.")

register(Section(
    key="carers", order=60, heading="Caring, and being cared for",
    intro="If you are an unpaid carer: the council's offer of an adult carer support plan, "
          "the plan and your eligibility for support. If someone cares for you: who.",
    parts=(
        Part(CarerLink, "People you care for", person="carer"),
        Part(CarerLink, "People who care for you", person="cared_for",
             fields=("id", "carer", "relationship_to_cared_for", "created_at"),
             anonymise=False, history=False, no_history_reason=THEIRS),
        Part(CarerSupportPlanOffer, "Offers of an adult carer support plan", person="carer"),
        Part(AdultCarerSupportPlan, "Your adult carer support plans", person="carer",
             children=(
                 Part(PlanOutcome, "Outcomes in the plan", parent="plan"),
                 Part(CarerEligibilityDecision, "Eligibility for carer support", parent="plan",
                      children=(Part(CarerEligibilityArea, "Each area of life",
                                     parent="decision"),)),
             )),
        Part(CarerSupportPlanOffer, "Carer support plan offers that name you as cared for",
             person="cared_for", note=THEIRS,
             fields=("id", "carer", "identified_on", "state", "offered_on", "answered_on"),
             anonymise=False, history=False, no_history_reason=THEIRS),
        Part(AdultCarerSupportPlan, "Carer support plans that name you as cared for",
             person="cared_for", note=THEIRS,
             fields=("id", "carer", "state", "agreed_on", "created_at"),
             anonymise=False, history=False, no_history_reason=THEIRS),
    )))
