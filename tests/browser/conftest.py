"""Browser tests: Debian's Chromium, driven by Playwright, against pytest-django's live server.

Every test in this folder is marked ``browser``. Without Chromium they are skipped, unless
REQUIRE_BROWSER=1 (CI sets it), when they fail instead. The live server serves the built
static files from src/selfdirect/static/dist/ (``npm run build``; ``make test`` builds them).

Helpers, used by every test here so that axe-core checks every page a test sees:

- ``visit(page, url)``: go to a page, wait for it to load, run axe;
- ``navigated(page, action)``: do something that loads a new page (click, Enter), then run axe;
- ``axe_check(page)``: fail on any serious or critical axe-core violation;
- ``sign_in(page, live_server, username)``: sign in through the real sign-in form;
- ``sign_in_quickly(page, live_server, user)``: a session cookie, for tests that are not
  about signing in.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent
AXE_PATH = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
BUILT_CSS = REPO_ROOT / "src" / "selfdirect" / "static" / "dist" / "selfdirect.css"

NO_CHROMIUM = "Debian's chromium is not installed (apt-get install chromium)"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 900}

# WCAG 2.0, 2.1 and 2.2 A and AA, and axe's best practices. Serious and critical fail.
AXE_OPTIONS = {
    "runOnly": {"type": "tag",
                "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa",
                           "best-practice"]},
    "resultTypes": ["violations"],
}
AXE_FAILING_IMPACTS = {"serious", "critical"}


def chromium_path() -> str | None:
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def browser_required() -> bool:
    return os.environ.get("REQUIRE_BROWSER") == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # This hook sees every item in the session: touch only the ones in this folder.
    skip = pytest.mark.skip(reason=NO_CHROMIUM)
    missing = chromium_path() is None and not browser_required()
    for item in items:
        if HERE not in Path(item.path).resolve().parents:
            continue
        item.add_marker(pytest.mark.browser)
        if missing:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def reference_data(reference_data: None) -> None:
    """The live server's tests empty the database after each test, data migrations
    included: every browser test loads again what the pages use (tests/conftest.py)."""


# --- The browser --------------------------------------------------------------------------


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """One Chromium for every test in this folder.

    While Playwright's sync API is running, its asyncio event loop counts as running in the
    test thread, and Django's ORM refuses to run there unless DJANGO_ALLOW_ASYNC_UNSAFE is
    set. (The ORM is never called from a coroutine: the loop only drives the browser.) So the
    variable is set for exactly as long as Playwright runs. Package scope (not session) ends
    both when the run leaves this folder: a session-wide variable would leak into the rest of
    the suite and into its subprocesses (`manage.py check --deploy` warns about it, failing
    tests/test_settings.py), and a session-wide loop would need the variable for every later
    test that touches the database.
    """
    executable = chromium_path()
    if executable is None:
        pytest.fail(NO_CHROMIUM)  # only reached with REQUIRE_BROWSER=1; otherwise skipped
    if not AXE_PATH.exists():
        pytest.fail(f"{AXE_PATH.relative_to(REPO_ROOT)} is missing: run `npm ci`")
    if not BUILT_CSS.exists():
        pytest.fail("The static files are not built: run `npm run build` (or `make test`)")
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            # launch() (not a persistent context) gives Chromium a fresh, temporary
            # --user-data-dir of its own and deletes it on close.
            chromium = playwright.chromium.launch(executable_path=executable,
                                                  args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@dataclass
class BrowserLog:
    """What went wrong in the browser while a test ran."""

    console_errors: list[str] = field(default_factory=list)
    static_failures: list[str] = field(default_factory=list)
    # Console errors a test expects, such as the one Chromium logs for a 404 page.
    allowed: list[re.Pattern[str]] = field(default_factory=list)

    def unexpected_console_errors(self) -> list[str]:
        return [e for e in self.console_errors
                if not any(p.search(e) for p in self.allowed)]


_LOGS: dict[int, BrowserLog] = {}


def browser_log(page: Any) -> BrowserLog:
    return _LOGS[id(page)]


def allow_console_error(page: Any, pattern: str) -> None:
    """Let one expected console error through (a regular expression)."""
    _LOGS[id(page)].allowed.append(re.compile(pattern))


def _is_static(url: str) -> bool:
    return "/static/" in url or url.endswith("favicon.ico")


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A fresh browser tab at 1280x900. At the end, fails on any console error (a CSP
    violation is one) and on any static file that did not load."""
    context = browser.new_context(viewport=VIEWPORT, base_url=live_server.url)
    # Playwright waits for what a step needs (an element, a navigation) up to these limits,
    # generous for a 2-core machine running the suite on two workers: nothing waits for a
    # fixed time.
    context.set_default_timeout(30_000)
    context.set_default_navigation_timeout(60_000)
    tab = context.new_page()
    log = BrowserLog()
    _LOGS[id(tab)] = log

    def on_console(msg: Any) -> None:
        if msg.type == "error":
            log.console_errors.append(f"{msg.text} (at {msg.location.get('url', '?')})")

    def on_response(response: Any) -> None:
        if _is_static(response.url) and response.status >= 400:
            log.static_failures.append(f"{response.status} {response.url}")

    def on_failed(request: Any) -> None:
        if _is_static(request.url):
            log.static_failures.append(f"failed: {request.url} ({request.failure})")

    tab.on("console", on_console)
    tab.on("pageerror", lambda exc: log.console_errors.append(f"Uncaught: {exc}"))
    tab.on("response", on_response)
    tab.on("requestfailed", on_failed)
    try:
        yield tab
    finally:
        context.close()
        _LOGS.pop(id(tab), None)
    problems = log.unexpected_console_errors()
    assert not problems, "Console errors (CSP violations among them):\n" + "\n".join(problems)
    assert not log.static_failures, "Static files failed:\n" + "\n".join(log.static_failures)


# --- axe-core -----------------------------------------------------------------------------

_AXE_SOURCE: str | None = None


def _axe_source() -> str:
    global _AXE_SOURCE
    if _AXE_SOURCE is None:
        _AXE_SOURCE = AXE_PATH.read_text(encoding="utf-8")
    return _AXE_SOURCE


def format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v.get('helpUrl', '')}>")
        for node in v["nodes"]:
            target = " ".join(json.dumps(t) if not isinstance(t, str) else t
                              for t in node["target"])
            lines.append(f"    at {target}: {node.get('failureSummary', '').strip()!r}"[:400])
    return "\n".join(lines)


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Every axe-core violation on the page, whatever its impact."""
    # The page's CSP allows scripts only from 'self' with a nonce, so add_script_tag (an
    # inline <script>) is refused and logs a CSP violation. Playwright's evaluate() runs
    # through the DevTools protocol, which the page's CSP does not govern, so axe is
    # evaluated from its source instead; the page keeps its real CSP (no bypass_csp).
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    return page.evaluate("options => axe.run(document, options).then(r => r.violations)",
                         AXE_OPTIONS)


def axe_check(page: Any) -> None:
    """Fail on any serious or critical axe-core violation, listing each one."""
    failing = [v for v in axe_violations(page) if v["impact"] in AXE_FAILING_IMPACTS]
    if failing:
        pytest.fail(f"axe-core: {len(failing)} serious or critical violation(s) on "
                    f"{page.url} ({page.title()!r}):\n{format_violations(failing)}",
                    pytrace=False)


def visit(page: Any, url: str) -> Any:
    """Go to ``url`` (absolute, or a path on the live server), wait for it, run axe."""
    response = page.goto(url, wait_until="load")
    axe_check(page)
    return response


def navigated(page: Any, action: Callable[[], Any]) -> None:
    """Run ``action`` (a click, a key press) that loads a new page; wait for it; run axe."""
    with page.expect_navigation(wait_until="load"):
        action()
    axe_check(page)


# --- Signing in ---------------------------------------------------------------------------


def sign_in(page: Any, live_server: Any, username: str) -> None:
    """Sign in through the real sign-in form, and land on the dashboard."""
    from tests.factories import TEST_PASSWORD

    visit(page, f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    navigated(page, lambda: page.get_by_role("button", name="Sign in").click())
    assert page.url == f"{live_server.url}/dashboard/", page.url


def sign_in_quickly(page: Any, live_server: Any, user: Any) -> None:
    """Give the browser a signed-in session for ``user`` without the sign-in form, for tests
    that are about something else (``sign_in`` tests the form)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    page.context.add_cookies([{
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }])


# --- Page facts ---------------------------------------------------------------------------


def focused(page: Any) -> dict[str, Any]:
    """What has focus (tag, id, name, type, text, href, checked) and its focus styles.
    GOV.UK radios and checkboxes hide the native input and draw their own box as the
    label's ::before, which is where their focus ring shows: ``drawnBoxShadow``."""
    return page.evaluate("""() => {
        const el = document.activeElement;
        if (!el || el === document.body) return {tag: 'body'};
        const style = getComputedStyle(el);
        const label = el.id ? document.querySelector(`label[for="${el.id}"]`) : null;
        return {
            tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute('name'),
            type: el.getAttribute('type'), text: (el.innerText || '').trim(),
            href: el.getAttribute('href'), checked: !!el.checked,
            classes: el.className && typeof el.className === 'string' ? el.className : '',
            outlineStyle: style.outlineStyle, outlineColor: style.outlineColor,
            boxShadow: style.boxShadow, backgroundColor: style.backgroundColor,
            drawnBoxShadow: label ? getComputedStyle(label, '::before').boxShadow : null,
        };
    }""")


GOVUK_YELLOW = "rgb(255, 221, 0)"  # $govuk-focus-colour, #ffdd00


def shows_govuk_focus(state: dict[str, Any]) -> bool:
    """GOV.UK's focus state: a yellow background (links, buttons), a yellow outline (text
    inputs, selects, textareas), or a yellow ring round the drawn box (radios, checkboxes)."""
    if state.get("type") in ("radio", "checkbox"):
        return GOVUK_YELLOW in (state.get("drawnBoxShadow") or "")
    yellow_outline = (state.get("outlineStyle") not in (None, "none")
                      and state.get("outlineColor") == GOVUK_YELLOW)
    return (state.get("backgroundColor") == GOVUK_YELLOW or yellow_outline
            or GOVUK_YELLOW in (state.get("boxShadow") or ""))


def page_facts(page: Any) -> dict[str, Any]:
    return page.evaluate("""() => ({
        title: document.title,
        lang: document.documentElement.getAttribute('lang'),
        h1s: [...document.querySelectorAll('h1')].map(h => h.innerText.trim()),
        errorSummary: !!document.querySelector('.govuk-error-summary'),
    })""")
