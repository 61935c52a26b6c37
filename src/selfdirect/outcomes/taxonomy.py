"""Load the outcome frameworks from outcomes/data/taxonomy.yaml (idempotent)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).resolve().parent / "data" / "taxonomy.yaml"


def load_taxonomy(*, term_model: Any = None) -> int:
    """Create the terms that are missing; returns how many were new. Never renames or
    retires a term an administrator has changed. Takes the model so a data migration can
    pass its historical one."""
    if term_model is None:
        from selfdirect.outcomes.models import OutcomeTerm as term_model
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    created = 0
    for framework, spec in data["frameworks"].items():
        groups = spec.get("groups", {})
        for position, term in enumerate(spec["terms"]):
            _, was_created = term_model.objects.get_or_create(
                code=term["code"],
                defaults={"framework": framework, "framework_name": spec["name"],
                          "role": spec["role"], "country": spec["country"],
                          "name": term["name"], "group": term.get("group", ""),
                          "group_name": groups.get(term.get("group", ""), ""),
                          "position": position})
            created += was_created
    return created
