"""What the planning app holds about a person: the choice of options and support plans
(``selfdirect.dataprotection.registry``)."""

from selfdirect.dataprotection.registry import Part, Section, register
from selfdirect.planning.models import (
    FamilyPaException,
    OptionChoice,
    OutcomeWithoutSupport,
    Referral,
    SupportLine,
    SupportPlan,
)

register(Section(
    key="planning", order=50, heading="Your choice and your support plan",
    intro="Which of the four options you chose, and each support plan: every piece of "
          "support, who gives it, what it costs and what happens if it breaks down.",
    parts=(
        Part(OptionChoice, "Your choices of how support is arranged", person="person",
             keep=("options",)),
        Part(SupportPlan, "Support plans", person="person", children=(
            Part(SupportLine, "Support in the plan", parent="plan", children=(
                Part(Referral, "Sent to a provider", parent="line"),
            )),
            Part(OutcomeWithoutSupport, "Outcomes met without paid support", parent="plan"),
            Part(FamilyPaException, "A family member as a personal assistant", parent="plan"),
        )),
    )))
