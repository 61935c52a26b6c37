"""What the outcomes app holds about a person (``selfdirect.dataprotection.registry``)."""

from typing import Any

from selfdirect.dataprotection.registry import Part, Section, register
from selfdirect.outcomes.models import PersonalOutcome


def _outcome(outcome: Any) -> dict[str, Any]:
    return {"national_outcomes": [term.name for term in outcome.national_outcomes.all()]}


register(Section(
    key="outcomes", order=30, heading="Your personal outcomes",
    intro="What matters to you, in your own words, and how you and your worker will know "
          "it is being met.",
    parts=(
        Part(PersonalOutcome, "Personal outcomes", person="person",
             prefetch_related=("national_outcomes",), describe=_outcome),
    )))
