"""The budget's explanation page: how it was reached, for the worker and the person alike."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from selfdirect.allocation.models import IndicativeBudget
from selfdirect.allocation.selectors import budget_explanation
from selfdirect.core.money import format_pounds, split_evenly
from selfdirect.core.permissions import permission_required
from selfdirect.people.selectors import person_get


@permission_required("allocation.view_budget")
def budget_detail(request: HttpRequest, budget_id: int) -> HttpResponse:
    person_id = (IndicativeBudget.objects.filter(pk=budget_id)
                 .values_list("person_id", flat=True).first())
    if person_id is None:
        raise Http404("No budget found.")
    person = person_get(user=request.user, person_id=person_id, path=request.path,
                        permission="allocation.view_budget")
    budget = (IndicativeBudget.objects.select_related("ras_version", "agreed_by")
              .get(pk=budget_id))
    explanation = budget_explanation(budget)
    # The yearly sum side by side with what it means each week and each four weeks. The
    # pence are shared out exactly (largest remainder), so 52 weeks add up to the year.
    weekly = split_evenly(budget.total, 52)[0]
    four_weekly = split_evenly(budget.total, 13)[0]
    return render(request, "allocation/budget_detail.html", {
        "person": person, "budget": budget, "explanation": explanation,
        "yearly": format_pounds(budget.total), "weekly": format_pounds(weekly),
        "four_weekly": format_pounds(four_weekly)})
