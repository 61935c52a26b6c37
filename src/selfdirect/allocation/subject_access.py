"""What the allocation app holds about a person: budgets and how they were worked out
(``selfdirect.dataprotection.registry``)."""

from typing import Any

from selfdirect.allocation.models import (
    BudgetAdjustment,
    BudgetException,
    EmployerCosting,
    FundingLine,
    IndicativeBudget,
    PanelDecision,
    RasResponse,
)
from selfdirect.dataprotection.registry import Part, Section, register


def _answer(response: Any) -> dict[str, Any]:
    return {"question": response.question.text, "answer": response.answer.text,
            "points": response.answer.points}


register(Section(
    key="budgets", order=40, heading="Your budget",
    intro="Your answers to the resource allocation questions, and each budget worked out "
          "from them, with every change and the reasons for it.",
    parts=(
        Part(RasResponse, "Your answers to the resource allocation questions",
             person="assessment__person", fields=("id", "assessment", "recorded_by",
                                                  "recorded_at"),
             select_related=("question", "answer"), describe=_answer),
        Part(IndicativeBudget, "Budgets", person="person",
             json_money={"band": ("amount", "cap")}, children=(
                 Part(BudgetAdjustment, "Changes to the calculated amount", parent="budget"),
                 Part(FundingLine, "Money from other funding", parent="budget"),
                 Part(EmployerCosting, "The cost of employing personal assistants",
                      parent="budget", json_money={"lines": ("amount",)}),
                 Part(BudgetException, "What the panel was asked to decide", parent="budget"),
                 Part(PanelDecision, "The panel's decisions", parent="budget"),
             )),
    )))
