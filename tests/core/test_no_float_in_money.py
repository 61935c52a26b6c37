"""No float in money paths.

Parses (never imports) ``src/selfdirect/core/money.py`` and every module of
``src/selfdirect/allocation/``, ``src/selfdirect/charging/``, ``src/selfdirect/payments/``
and ``src/selfdirect/dataprotection/`` (the subject-access export writes money) and fails on:

- a float literal (``1.5``, ``2e3``);
- a call to ``float(...)``;
- true division ``/`` (or ``/=``) where either side mentions a name or attribute
  containing "pence" (``pence / 100``, ``budget.total_pence / parts``): whole pence are
  divided with ``divmod``/``//`` or turned into ``Decimal`` by ``core.money``.

``isinstance(value, float)`` (used to *refuse* floats) is allowed: it is not a call to
``float``. Migrations are generated code and are skipped.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "selfdirect"
FILES = [SRC / "core" / "money.py", *sorted((SRC / "allocation").glob("*.py")),
         *sorted((SRC / "charging").glob("*.py")), *sorted((SRC / "payments").glob("*.py")),
         *sorted((SRC / "dataprotection").glob("*.py"))]


def _mentions_pence(node: ast.AST) -> bool:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and "pence" in sub.id.lower():
            return True
        if isinstance(sub, ast.Attribute) and "pence" in sub.attr.lower():
            return True
    return False


def problems(source: str, filename: str = "<source>") -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        where = f"{filename}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Constant) and isinstance(node.value, float):
            found.append(f"{where}: float literal {node.value!r}")
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id == "float"):
            found.append(f"{where}: float() call")
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div) and (
                _mentions_pence(node.left) or _mentions_pence(node.right)):
            found.append(f"{where}: '/' applied to pence")
        elif isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Div) and (
                _mentions_pence(node.target) or _mentions_pence(node.value)):
            found.append(f"{where}: '/=' applied to pence")
    return found


def test_the_scan_covers_the_money_modules():
    names = {f.name for f in FILES}
    assert {"money.py", "services.py", "selectors.py", "models.py"} <= names


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_float_in_money_paths(path):
    assert problems(path.read_text(encoding="utf-8"), str(path)) == []


@pytest.mark.parametrize("snippet", [
    "x = 1.5", "y = float(total)", "z = total_pence / 100", "w = budget.base_pence / n",
    "a = 3 / price_in_pence", "pence /= 2", "q = 2e3",
])
def test_the_scan_catches(snippet):
    assert problems(snippet)


@pytest.mark.parametrize("snippet", [
    "isinstance(v, float)", "d = Decimal(percent) / HUNDRED", "s, r = divmod(pence, parts)",
    "h = pence // 2",
])
def test_the_scan_allows(snippet):
    assert problems(snippet) == []
