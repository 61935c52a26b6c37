import json
from tests.browser.conftest import sign_in_quickly, axe_violations, format_violations
from tests.browser.test_pages_accessibility import PAGES, PERSON, cast  # noqa

def test_scan(page, live_server, world, cast):
    seen = {}
    for who in [None, "scot_social_worker", "scot_team_manager", PERSON]:
        page.context.clear_cookies()
        if who == PERSON: sign_in_quickly(page, live_server, cast.user)
        elif who: sign_in_quickly(page, live_server, world.user(who))
        for c in PAGES:
            if c.who != who: continue
            page.goto(c.path(cast))
            states = [("", None)]
            if c.make_errors: states.append((" (errors)", c.make_errors))
            for suffix, fn in states:
                if fn:
                    page.goto(c.path(cast))
                    import tests.browser.conftest as cf
                    orig = cf.axe_check
                    try:
                        cf.axe_check = lambda p: None
                        import tests.browser.test_pages_accessibility as t
                        t.navigated.__globals__["axe_check"] = lambda p: None
                        fn(page)
                    finally:
                        t.navigated.__globals__["axe_check"] = orig
                v = axe_violations(page)
                if v:
                    print(f"\n=== {c.name}{suffix}\n" + format_violations(v))
    page.goto("/people/?x=1")
    print("\nCHECKBOX:", page.eval_on_selector("#id_mine_only", "el => [el.className, getComputedStyle(el).opacity, getComputedStyle(el).width, el.getBoundingClientRect().toJSON()]"))
