"""Selectors and services know nothing of HTTP: no request, response, ``Http404``,
``reverse()``, template or message is imported by a domain module. Pages and the API turn
the domain's answers into HTTP in one place each (``core.exceptions.NotFound`` becomes
404 in ``core.middleware.NotFoundMiddleware`` and ``api.errors``; ``ValidationError``
becomes field errors), so the same service behaves the same whether a page, the API, a
command or a background job calls it.

The test parses every module under ``src/selfdirect/`` and fails on a web import in one
that is not a web module by its name (views, urls, API, forms, middleware, template tags,
commands) or its app (``workspace``, ``portal``, ``api``, ``config``, ``core``)."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "selfdirect"
WEB_IMPORTS = ("django.http", "django.shortcuts", "django.urls", "django.template",
               "django.views", "django.contrib.messages")
WEB_FILES = {"views.py", "urls.py", "api.py", "forms.py", "middleware.py",
             "context_processors.py", "admin.py", "apps.py", "web.py"}
WEB_SUFFIXES = ("_views.py", "_api.py", "_forms.py")
WEB_FOLDERS = {"templatetags", "management", "migrations"}
WEB_APPS = {"workspace", "portal", "api", "config", "core", "demo"}
# Modules that work with the sign-in itself, which lives in the request's session.
SIGN_IN = {
    "accounts/lockouts.py": "django-axes counts failed sign-ins per request (address)",
    "accounts/reset_limits.py": "limits password-reset emails per address and per email",
    "accounts/second_factor.py": "django-otp keeps the verified device in the session",
    "accounts/signed_in.py": "the signed-in account of a request, typed",
}
# Still to move (issue: structure before growth, the payments split).
KNOWN = {
    "payments/recovery.py": "the recovery notice's words name the challenge page's address",
}


def _is_web(path: Path) -> bool:
    parts = path.relative_to(SRC).parts
    return (path.name in WEB_FILES or path.name.endswith(WEB_SUFFIXES)
            or bool(WEB_FOLDERS & set(parts)) or parts[0] in WEB_APPS)


def _web_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        names = ([node.module] if isinstance(node, ast.ImportFrom) and node.module else
                 [a.name for a in node.names] if isinstance(node, ast.Import) else [])
        found += [f"line {node.lineno}: {n}" for n in names if n.startswith(WEB_IMPORTS)]
    return found


def test_no_domain_module_imports_the_web():
    offenders = {}
    for path in sorted(SRC.rglob("*.py")):
        name = path.relative_to(SRC).as_posix()
        if _is_web(path) or name in SIGN_IN or name in KNOWN:
            continue
        if found := _web_imports(path):
            offenders[name] = found
    assert offenders == {}, ("Selectors and services must not import the web layer; raise "
                             "core.exceptions.NotFound or ValidationError instead")


def test_the_exceptions_still_import_the_web():
    """Each listed exception is still needed: one that no longer imports the web is
    taken off the list."""
    stale = [name for name in {**SIGN_IN, **KNOWN} if not _web_imports(SRC / name)]
    assert stale == []


def test_the_walker_finds_a_web_import(tmp_path):
    sample = tmp_path / "selectors.py"
    sample.write_text("from django.http import Http404\nimport django.urls\n")
    assert _web_imports(sample) == ["line 1: django.http", "line 2: django.urls"]


def _selfdirect_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        names = ([node.module] if isinstance(node, ast.ImportFrom) and node.module else
                 [a.name for a in node.names] if isinstance(node, ast.Import) else [])
        found |= {n.split(".")[1] for n in names if n.startswith("selfdirect.") and "." in n}
    return found


def test_core_imports_no_domain_app():
    """core is the ground floor every app builds on: it hears from the apps through
    signals (core.signals), never by importing them."""
    reached = {path.relative_to(SRC).as_posix(): sorted(_selfdirect_imports(path) - {"core"})
               for path in sorted((SRC / "core").rglob("*.py"))}
    assert {name: apps for name, apps in reached.items() if apps} == {}
