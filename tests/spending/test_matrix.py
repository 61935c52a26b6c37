"""The spending pages against every role (the loop of tests/test_permission_matrix.py),
and every spending page is in the matrix and declares a permission."""

from __future__ import annotations

import pytest
from django.urls import get_resolver

from selfdirect.core.permissions import view_permission
from selfdirect.spending import views
from tests.factories import TEST_PASSWORD
from tests.matrix import ACTORS
from tests.spending.matrix import MATRIX, url_for


def test_every_spending_page_is_in_the_matrix_and_declares_a_permission():
    names = {p.name for p in views.urlpatterns}
    assert names == set(MATRIX)
    assert all(view_permission(p.callback) for p in views.urlpatterns)
    resolved = {name for name in get_resolver().reverse_dict if isinstance(name, str)}
    assert names <= resolved


@pytest.mark.django_db
@pytest.mark.parametrize("page", sorted(MATRIX))
def test_spending_permission_matrix(client, cast, page):
    users, person = cast
    url = url_for(page, users, person)
    got = {}
    for actor in ACTORS:
        client.logout()
        if actor != "anonymous":
            assert client.login(username=actor, password=TEST_PASSWORD)
        got[actor] = client.get(url).status_code
    assert got == MATRIX[page]
