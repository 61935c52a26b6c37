"""Exceptions the domain raises without knowing about HTTP.

Selectors and services never raise ``Http404`` or build responses (a test walks their
imports: ``tests/core/test_layering.py``). A record that does not exist, or that the
asker may not know exists, is ``NotFound``; the pages answer it with 404
(``core.middleware.NotFoundMiddleware``) and the API with 404 in its error shape
(``api.errors``). A refusal the asker may know about stays Django's ``PermissionDenied``
(403), which is not an HTTP class."""

from __future__ import annotations


class NotFound(Exception):  # noqa: N818 - named for what the person is told
    """No such record, or one the asker may not see (its existence is not disclosed)."""
