"""One OpenAPI truth: every schema the API documents has its own name.

django-ninja names each component after its class; two classes with one name would
silently document one body for both operations (budget agreement once documented the
plan's agreement body, which it refuses)."""

from __future__ import annotations

from collections import defaultdict

from ninja import Schema

from selfdirect.api.api import api


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub} | _subclasses(sub)
    return found


def test_every_schema_class_of_the_api_has_a_unique_name():
    api.get_openapi_schema()  # every router is mounted and every module imported
    by_name: dict[str, set[str]] = defaultdict(set)
    for cls in _subclasses(Schema):
        if cls.__module__.startswith("selfdirect."):
            by_name[cls.__name__].add(f"{cls.__module__}.{cls.__qualname__}")
    duplicates = {name: sorted(where) for name, where in by_name.items() if len(where) > 1}
    assert duplicates == {}


def test_the_document_has_a_component_for_each_schema_class():
    components = api.get_openapi_schema()["components"]["schemas"]
    for name in ("BudgetAgreeIn", "PlanAgreeIn", "SpendingDecisionIn", "PanelDecisionIn",
                 "ProviderReferralIn", "ReferralIn", "ContributionOut", "ChargeContributionOut"):
        assert name in components, name
    assert components["BudgetAgreeIn"] != components["PlanAgreeIn"]
