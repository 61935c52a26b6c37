"""What the charging app holds about a person: what they are asked to pay and why
(``selfdirect.dataprotection.registry``)."""

from django.db.models import Q

from selfdirect.charging.models import (
    Capital,
    Contribution,
    Expense,
    FinancialAssessment,
    Income,
    PlannedService,
    Waiver,
)
from selfdirect.dataprotection.registry import Part, Section, register

register(Section(
    key="charging", order=70, heading="What you pay towards your support",
    intro="The services a charge can apply to, your financial assessment, each "
          "contribution with how it was worked out, and any hardship waiver.",
    parts=(
        Part(PlannedService, "Services planned for you", person="person",
             activity="ends_on", open_when=Q(ends_on__isnull=True)),
        Part(FinancialAssessment, "Financial assessments", person="person", children=(
            Part(Income, "Income", parent="assessment"),
            Part(Capital, "Savings and other capital", parent="assessment"),
            Part(Expense, "Housing costs and disability-related spending",
                 parent="assessment"),
        )),
        Part(Contribution, "Your contributions", person="person",
             json_money={"lines": ("pence",),
                         "services": ("weekly_cost", "charged", "council_pays")},
             activity="effective_to",
             open_when=Q(effective_to__isnull=True, superseded=False)),
        Part(Waiver, "Hardship waivers", person="person"),
    )))
