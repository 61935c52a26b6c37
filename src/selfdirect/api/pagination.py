"""Lists the API gives a page at a time, bounded in one place.

A page past the last one is a 404 ("There is no page 7: the last page is 3"), never a
clamp to the last page: a program stepping through pages would otherwise get the last
page again and again, and never learn it had reached the end. It is decided from the count, before
anything is read, so no page number, however large (2**62), reaches the database as an
offset. Page 1 of an empty list is an empty page, not a 404. The pages for people
(``django.core.paginator.Paginator.get_page``) clamp instead: someone following an old
link sees the last page.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from django.db.models import QuerySet
from django.http import Http404
from ninja import Query

T = TypeVar("T")


class NoSuchPage(Http404):
    """A page past the last: a 404 saying how many pages there are (``api.errors``)."""


def page_query() -> Any:
    """The ``page`` parameter of a list: ``page: int = page_query()``."""
    return Query(1, ge=1, description="Which page, from 1; a page past the last is a 404")


def page_of(items: QuerySet[Any] | Sequence[T], *, page: int,
            page_size: int) -> tuple[int, list[Any]]:
    """The number of items, and those on ``page`` (``page_size`` to a page)."""
    count = items.count() if isinstance(items, QuerySet) else len(items)
    pages = max(1, -(-count // page_size))
    if page > pages:
        raise NoSuchPage(f"There is no page {page}: the last page is {pages:,}")
    start = (page - 1) * page_size
    return count, list(items[start:start + page_size])
