"""The whole API, fuzzed as its callers would reach it: schemathesis reads
``/api/openapi.json`` from a real server and sends, to every operation, calls made from its
documented inputs (and ones just outside them), each with nothing but a bearer token, as
each kind of caller. Every answer must

- never be a server error (5xx);
- have a status the operation documents (``api.errors.document_statuses``);
- be JSON matching the schema documented for that status, so every refusal has the one
  error shape ``{"detail": ..., "errors": {field: [messages]}}``.

The world is the demo (both authorities, every kind of record, from its fixed seed),
so path ids often name a record that exists. Hypothesis is derandomized (its seed comes
from each operation's name), so a run finds the same calls every time; ``--fuzz-examples``
draws more for a longer, exploratory run. Failures are gathered over every operation and
reported together, each with the call that reproduces it.
"""

from __future__ import annotations

import hypothesis
import pytest
import requests
import schemathesis
from django.apps import apps
from django.core.management import call_command
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from selfdirect.accounts.models import User
from selfdirect.accounts.services import api_token_create

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db(transaction=True)]

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
# Who calls: every staff role (in Edinburgh, one authority of the two), the person, and an
# attorney acting for them; one test each, so the workers share them out.
CALLERS = ["edinburgh.social_worker", "edinburgh.team_manager", "edinburgh.finance_officer",
           "edinburgh.panel_member", "edinburgh.provider_user", "edinburgh.commissioner",
           "edinburgh.administrator", "edinburgh.person", "edinburgh.attorney"]


@pytest.fixture
def demo_world(reference_data):
    # As of the day the server answers on (the suite's --today moves both together).
    call_command("demo_load", people=40, verbosity=0)


def _known_ids() -> list[int]:
    """Small ids that name records in the demo, of any kind: a path id drawn from these
    often names a real budget, plan, payment or person."""
    found: set[int] = set()
    for model in apps.get_models():
        if model._meta.app_label.startswith("selfdirect") or model.__module__.startswith(
                "selfdirect."):
            found.update(model.objects.order_by("pk").values_list("pk", flat=True)[:30])
    return sorted(i for i in found if isinstance(i, int))


def _fuzz(operation, *, base_url: str, token: str, known_ids: list[int], examples: int):
    """Every failure found in ``operation``: a list of (what failed, the call)."""
    session = requests.Session()
    headers = {"Authorization": f"Bearer {token}"}
    failures: list[str] = []

    @hypothesis.settings(max_examples=examples, derandomize=True, deadline=None,
                         database=None, phases=[Phase.explicit, Phase.generate],
                         suppress_health_check=list(HealthCheck))
    @hypothesis.given(case=operation.as_strategy(), data=st.data())
    def run(case, data):
        for name in list(case.path_parameters or {}):
            if known_ids and data.draw(st.booleans(), label=f"real {name}"):
                case.path_parameters[name] = data.draw(st.sampled_from(known_ids))
        response = case.call(base_url=base_url, session=session, headers=headers,
                             timeout=30)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (Exception, BaseExceptionGroup) as exc:  # each check's failure, and its call
            failures.append(f"{operation.label}: {exc}")
            raise

    try:
        run()
    except (Exception, BaseExceptionGroup):  # recorded in failures, with its call
        if not failures:
            raise
    return failures[:1]


@pytest.mark.parametrize("username", CALLERS)
def test_every_operation_answers_within_its_documented_schema(username, demo_world,
                                                              live_server, request):
    examples = request.config.getoption("--fuzz-examples")
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 80, "the API document lost its operations"
    known_ids = _known_ids()
    _, token = api_token_create(user=User.objects.get(username=username), name="fuzz",
                                scope="read_write")
    failures: list[str] = []
    for operation in operations:
        failures += _fuzz(operation, base_url=live_server.url, token=token,
                          known_ids=known_ids, examples=examples)
    assert not failures, (f"As {username}, {len(failures)} operations failed:\n"
                          + "\n\n".join(failures))
