"""The directory's rows of the permission matrix, checked with the same loop as
tests/test_permission_matrix.py."""

from __future__ import annotations

import pytest

from tests.factories import TEST_PASSWORD
from tests.matrix import ACTORS
from tests.providers import matrix


@pytest.mark.django_db
@pytest.mark.parametrize("page", sorted(matrix.MATRIX))
def test_permission_matrix(client, cast, page):
    users, person = cast
    url = matrix.url_for(page, users, person)
    got = {}
    for actor in ACTORS:
        client.logout()
        if actor != "anonymous":
            assert client.login(username=actor, password=TEST_PASSWORD)
        got[actor] = client.get(url).status_code
    assert got == matrix.MATRIX[page]
