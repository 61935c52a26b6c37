"""Shared vocabulary of the permission matrices (pages and API)."""

from __future__ import annotations

# Who is asking. The target person lives in Edinburgh, in the North East team, and is
# allocated to scot_social_worker.
ACTORS = [
    "anonymous", "nobody",
    "scot_social_worker", "scot_other_social_worker", "scot_team_manager",
    "scot_panel_member", "scot_finance_officer", "scot_provider_user", "scot_commissioner",
    "scot_administrator", "scot_data_protection",
    "eng_social_worker", "eng_team_manager", "eng_finance_officer", "eng_administrator",
    "eng_data_protection",
    "the_person", "carer_viewing", "attorney_acting", "advocate_withdrawn",
]

OK, SIGN_IN, REFUSED, NOT_FOUND = 200, 302, 403, 404


def row(default, **overrides):
    return {actor: overrides.get(actor, default) for actor in ACTORS}
