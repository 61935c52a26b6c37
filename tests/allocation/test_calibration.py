"""Calibration and fairness of the RAS: the least-squares price per point (and per
domain), R² and the residual spread, the figures by group with small groups suppressed,
and the page that shows them."""

from __future__ import annotations

import datetime
import random
import re
from fractions import Fraction

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from selfdirect.allocation.calibration import (
    NOT_RECORDED,
    Dimension,
    Package,
    SingularFit,
    age_band,
    calibration_report,
    fairness,
    fit_domain_prices,
    fit_price_per_point,
    percentile,
    round_half_up,
    solve,
)
from selfdirect.allocation.calibration_views import chart
from selfdirect.allocation.models import IndicativeBudget
from selfdirect.assessments.models import Assessment
from selfdirect.people.models import EqualityInfo
from tests.allocation.test_ras import live_version
from tests.factories import TEST_PASSWORD, PersonFactory

PRICE = 4730  # £47.30 a point
DOMAINS = [("personal_care", "Personal care"), ("nutrition", "Eating and drinking"),
           ("home", "Looking after the home"), ("health", "Health"),
           ("relationships", "Relationships"), ("activities", "Things to do"),
           ("mental_wellbeing", "Mental wellbeing"), ("caring", "Caring for others")]
DOMAIN_PRICES = [5200, 3100, 4700, 6000, 2500, 3900, 4400, 1800]


def synthetic(n: int, *, seed: int = 2026, noise: int = 3000, price: int = PRICE,
              groups=None) -> list[Package]:
    """``n`` packages: points 5–80, total = points × price + integer noise in pence
    (uniform in ±``noise``), never below nothing."""
    rng = random.Random(seed)
    packages = []
    for i in range(n):
        points = rng.randint(5, 80)
        total = max(0, points * price + rng.randint(-noise, noise))
        packages.append(Package(total=total, points=points,
                                groups=groups(i) if groups else {}))
    return packages


# --- The exact arithmetic --------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [
    (Fraction(5, 2), 3), (Fraction(-5, 2), -3), (Fraction(49, 10), 5), (Fraction(41, 10), 4),
    (Fraction(-41, 10), -4), (7, 7), (Fraction(1, 2), 1), (Fraction(0), 0)])
def test_rounding_is_half_up_away_from_zero(value, expected):
    assert round_half_up(value) == expected


def test_percentiles_interpolate_between_order_statistics():
    values = [Fraction(v) for v in (40, 10, 30, 20, 50)]
    assert percentile(values, Fraction(0)) == 10
    assert percentile(values, Fraction(1, 2)) == 30
    assert percentile(values, Fraction(1, 10)) == 14  # position 0.4 between 10 and 20
    assert percentile(values, Fraction(9, 10)) == 46
    assert percentile(values, Fraction(1)) == 50


def test_solve_is_exact():
    assert solve([[2, 1], [1, 3]], [3, 5]) == [Fraction(4, 5), Fraction(7, 5)]
    with pytest.raises(SingularFit):
        solve([[1, 2], [2, 4]], [1, 2])


def test_a_hand_worked_fit():
    # points 1, 2, 3; totals 100, 210, 290: p = (100 + 420 + 870) / 14 = 1390/14.
    packages = [Package(total=100, points=1), Package(total=210, points=2),
                Package(total=290, points=3)]
    fit = fit_price_per_point(packages)
    assert fit.prices[0].exact == Fraction(1390, 14)
    assert fit.price_per_point == 99  # 99.28… rounded half-up
    # Centred R² = 1 − SS_res / SS_tot, with SS_tot about the mean (200).
    ss_res = sum((y - Fraction(1390, 14) * x) ** 2 for x, y in ((1, 100), (2, 210), (3, 290)))
    assert fit.ss_res == ss_res
    assert fit.ss_tot == 100 ** 2 + 10 ** 2 + 90 ** 2
    assert str(fit.r_squared) == "0.989"  # 1 − (1350/7) / 17000
    # √(SS_res / (n − 1)) = √(1350/7 / 2) = √96.43 = 9.82 → 10 pence.
    assert ss_res == Fraction(1350, 7)
    assert fit.residual_sd == 10


def test_an_exact_fit_recovers_the_price_with_no_spread():
    packages = synthetic(50, noise=0)
    fit = fit_price_per_point(packages)
    assert fit.prices[0].exact == PRICE
    assert str(fit.r_squared) == "1.000"
    assert (fit.residual_sd, fit.p10, fit.p90) == (0, 0, 0)


# --- (a) the price per point is recovered ------------------------------------------------


def test_the_price_per_point_is_recovered_from_noisy_packages():
    packages = synthetic(300, noise=30000)  # up to ±£300 a year of noise on each package
    fit = fit_price_per_point(packages)
    assert abs(fit.price_per_point - PRICE) <= PRICE // 100
    assert fit.r_squared is not None and fit.r_squared > Fraction(9, 10)
    assert fit.n == 300
    # Uniform noise in ±£300 has a standard deviation of about £173.
    assert 15000 < fit.residual_sd < 20000
    assert -30000 < fit.p10 < 0 < fit.p90 < 30000


def test_no_points_at_all_cannot_be_fitted():
    with pytest.raises(SingularFit, match="No agreed package has any points"):
        fit_price_per_point([Package(total=1000, points=0)] * 3)


# --- (b) per-domain prices ---------------------------------------------------------------


def domain_packages(n: int, *, seed: int = 8, noise: int = 2000) -> list[Package]:
    rng = random.Random(seed)
    packages = []
    for _ in range(n):
        points = {code: rng.randint(0, 30) for code, _ in DOMAINS}
        total = sum(points[code] * price for (code, _), price in zip(DOMAINS, DOMAIN_PRICES, strict=True))
        total = max(0, total + rng.randint(-noise, noise))
        packages.append(Package(total=total, points=sum(points.values()), domain_points=points))
    return packages


def test_per_domain_prices_are_recovered():
    # 600 packages, 0–30 points in each domain, ±£20 of noise on each.
    fit = fit_domain_prices(domain_packages(600), DOMAINS)
    found = {p.code: p.pence for p in fit.prices}
    for (code, _), price in zip(DOMAINS, DOMAIN_PRICES, strict=True):
        assert abs(found[code] - price) <= price // 100, code
    assert fit.r_squared is not None and fit.r_squared > Fraction(9, 10)
    # The single price fits worse than a price for each domain.
    single = fit_price_per_point(domain_packages(600))
    assert single.ss_res > fit.ss_res


def test_a_domain_with_no_points_is_named():
    packages = [Package(total=p.total, points=p.points,
                        domain_points={**p.domain_points, "caring": 0})
                for p in domain_packages(40)]
    with pytest.raises(SingularFit) as caught:
        fit_domain_prices(packages, DOMAINS)
    assert "No agreed package has any points in Caring for others" in caught.value.message
    assert caught.value.domains == ["Caring for others"]


def test_domains_that_move_in_step_are_named():
    packages = [Package(total=p.total, points=p.points,
                        domain_points={**p.domain_points, "caring": 2 * p.domain_points["home"]})
                for p in domain_packages(40)]
    with pytest.raises(SingularFit, match="Caring for others move in step"):
        fit_domain_prices(packages, DOMAINS)


# --- (c) fairness: a biased set shows its bias -------------------------------------------


def biased_packages() -> list[Package]:
    """300 packages at £47.30 a point; the 15 of people of Asian ethnicity are 20% lower."""
    rng = random.Random(11)
    packages = []
    for i in range(300):
        group = "asian" if i % 20 == 0 else ("white_scottish" if i % 2 else "white_polish")
        points = rng.randint(5, 80)
        total = points * PRICE + rng.randint(-2000, 2000)
        if group == "asian":
            total = total * 4 // 5
        packages.append(Package(total=total, points=points, groups={
            "ethnic_group": group, "sex": "female" if i % 3 else "male"}))
    return packages


def test_a_group_given_less_shows_a_negative_residual():
    packages = biased_packages()
    fit = fit_price_per_point(packages)
    dimensions = {d.key: d for d in fairness(packages, fit)}
    ethnic = {g.key: g for g in dimensions["ethnic_group"].groups}
    assert ethnic["asian"].count == 15
    assert ethnic["asian"].residual_percent is not None
    assert -21 < ethnic["asian"].residual_percent < -18
    for key in ("white_scottish", "white_polish"):
        assert ethnic[key].residual_percent is not None
        assert abs(ethnic[key].residual_percent) < 2
    # Sex was not part of the bias: both groups sit near zero.
    for group in dimensions["sex"].groups:
        assert group.residual_percent is not None and abs(group.residual_percent) < 3
    # The mean residual in pence agrees with the percentage's sign and the group's own
    # mean amounts: mean residual = mean allocation − mean fitted, to the penny.
    asian = ethnic["asian"]
    assert asian.mean_residual is not None and asian.mean_residual < 0
    assert asian.mean_allocation is not None and asian.mean_fitted is not None
    assert abs(asian.mean_allocation - asian.mean_fitted - asian.mean_residual) <= 1


def test_an_unbiased_set_shows_no_group_far_from_zero():
    packages = synthetic(300, groups=lambda i: {"ethnic_group": "asian" if i % 20 == 0
                                                else "white_scottish"})
    fit = fit_price_per_point(packages)
    ethnic = fairness(packages, fit)[3]
    assert ethnic.key == "ethnic_group"
    assert all(g.residual_percent is not None and abs(g.residual_percent) < 2
               for g in ethnic.groups)


# --- (d) small groups are suppressed -----------------------------------------------------


def test_groups_of_fewer_than_five_are_suppressed():
    packages = synthetic(30, groups=lambda i: {
        "sex": "female" if i < 21 else ("male" if i < 26 else "prefer_not_to_say"),
        "disability": "yes" if i < 4 else NOT_RECORDED})
    fit = fit_price_per_point(packages)
    dims = {d.key: d for d in fairness(packages, fit)}
    sex = {g.key: g for g in dims["sex"].groups}
    assert [g.key for g in dims["sex"].groups] == ["female", "male", "prefer_not_to_say"]
    assert (sex["female"].count, sex["male"].count) == (21, 5)
    assert not sex["male"].suppressed and sex["male"].mean_allocation is not None
    hidden = sex["prefer_not_to_say"]
    assert hidden.suppressed and hidden.count == 4
    assert (hidden.mean_allocation, hidden.mean_fitted, hidden.mean_residual,
            hidden.residual_percent) == (None, None, None, None)
    assert dims["sex"].any_suppressed
    disability = {g.key: g for g in dims["disability"].groups}
    assert disability["yes"].suppressed
    assert disability[NOT_RECORDED].label == "Not recorded" and disability[NOT_RECORDED].count == 26
    # The chart draws no bar for a suppressed group, and says why.
    rows = chart(dims["sex"])["rows"]
    assert rows[2]["suppressed"] and rows[2]["value"] == "fewer than 5" and "x" not in rows[2]


def test_groups_with_no_packages_are_left_out_and_unknown_keys_kept():
    packages = synthetic(10, groups=lambda i: {"sex": "female" if i % 2 else "something_new"})
    fit = fit_price_per_point(packages)
    sex = fairness(packages, fit, [Dimension("sex", "Sex", [("female", "Female"),
                                                              ("male", "Male")])])[0]
    assert [(g.key, g.label) for g in sex.groups] == [("female", "Female"),
                                                      ("something_new", "something_new")]


@pytest.mark.parametrize(("born", "band"), [
    (datetime.date(2010, 6, 1), "under_18"), (datetime.date(2008, 4, 1), "18_64"),
    (datetime.date(1961, 4, 2), "18_64"), (datetime.date(1961, 4, 1), "65_74"),
    (datetime.date(1951, 4, 1), "75_84"), (datetime.date(1941, 4, 2), "75_84"),
    (datetime.date(1941, 4, 1), "85_plus")])
def test_age_bands(born, band):
    assert age_band(born, datetime.date(2026, 4, 1)) == band


def test_the_chart_puts_bars_either_side_of_zero():
    packages = biased_packages()
    ethnic = fairness(packages, fit_price_per_point(packages))[3]
    drawn = chart(ethnic)
    rows = {row["label"]: row for row in drawn["rows"]}
    asian = rows["Asian, Scottish Asian or British Asian"]
    assert asian["x"] + asian["width"] == drawn["zero_x"]  # to the left of zero
    assert asian["value"].startswith("\u2212")
    scottish = rows["White: Scottish"]
    assert scottish["x"] == drawn["zero_x"]  # to the right (or on it)
    assert drawn["scale_left"] == "\u221220%" or drawn["scale_left"] == "\u221225%"


# --- (e) the page --------------------------------------------------------------------------


AGREED_ON = datetime.date(2026, 5, 1)


def agreed_budgets(world, count: int, *, seed: int = 3, version=None) -> list[IndicativeBudget]:
    """``count`` agreed budgets in Edinburgh at £47.30 a point (± noise), made in bulk.
    Every fifth person is of Asian ethnicity and their budget is 20% lower; three people
    say they are disabled (a group too small to show); everyone else has no answer."""
    version = version or live_version(world)
    worker = world.user("scot_social_worker")
    manager = world.user("scot_team_manager")
    rng = random.Random(seed)
    people = [PersonFactory(authority=world.scot, team=world.scot_team,
                            # A different birthday for every person of every call:
                            # CHI numbers begin with it, and must not collide.
                            date_of_birth=datetime.date(1940 + (i * 7) % 60, 1 + seed % 12,
                                                        1 + i % 28),
                            client_group="elderly_frail" if i % 2 else "physical_sensory")
              for i in range(count)]
    EqualityInfo.objects.bulk_create([
        EqualityInfo(person=p, sex="female" if i % 2 else "male",
                     ethnic_group="asian" if i % 5 == 0 else "white_scottish",
                     disability="yes" if i < 3 else "")
        for i, p in enumerate(people)])
    assessments = Assessment.objects.bulk_create([
        Assessment(person=p, worker=worker, started_on=datetime.date(2026, 4, 1),
                   state=Assessment.State.IN_PROGRESS) for p in people])
    budgets = []
    now = timezone.now()
    for i, (person, assessment) in enumerate(zip(people, assessments, strict=True)):
        by_domain = {code: rng.randint(0, 6) for code, _ in DOMAINS}
        points = sum(by_domain.values())
        total = points * PRICE + rng.randint(-2000, 2000)
        if i % 5 == 0:
            total = total * 4 // 5
        budgets.append(IndicativeBudget(
            person=person, assessment=assessment, ras_version=version, points=points,
            domain_points=[{"code": c, "name": n, "points": by_domain[c]} for c, n in DOMAINS],
            price_per_point=version.price_per_point, base_amount=points * version.price_per_point,
            total=max(total, 0), state=IndicativeBudget.State.AGREED, calculated_at=now,
            calculated_by=worker, agreed_on=AGREED_ON, agreed_by=manager,
            decision_reason="Agreed with the person."))
    return IndicativeBudget.objects.bulk_create(budgets)


@pytest.mark.django_db
def test_the_page_shows_the_fit_chart_and_table(client, world):
    agreed_budgets(world, 40)
    admin = world.user("scot_administrator")
    report = calibration_report(actor=admin, authority=world.scot)
    assert report.fit is not None and report.n == 40
    # The bias shows on the real data too.
    ethnic = {g.key: g for g in report.dimensions[3].groups}
    assert ethnic["asian"].residual_percent is not None and ethnic["asian"].residual_percent < -15

    client.login(username="scot_administrator", password=TEST_PASSWORD)
    response = client.get(reverse("ras-calibration"))
    assert response.status_code == 200
    html = response.content.decode()
    from selfdirect.core.money import format_pounds

    def text_of(element_id: str) -> str:
        match = re.search(rf'id="{element_id}">(.*?)</dd>', html, re.S)
        assert match, element_id
        return match.group(1)

    assert format_pounds(report.fit.price_per_point) in text_of("price-found")
    assert "£45.00" in text_of("live-price")
    assert str(report.fit.r_squared) in text_of("r-squared")
    assert format_pounds(report.fit.residual_sd) in text_of("spread")
    assert text_of("package-count") == "40"
    # A chart and a table for every dimension, the chart accessible and drawn without
    # style attributes (the CSP forbids them) or scripts.
    for key in ("age", "client_group", "sex", "ethnic_group", "disability"):
        assert f'id="table-{key}"' in html
        assert f'id="chart-{key}-title"' in html
    assert html.count('role="img"') == 5
    assert "style=" not in html
    assert "<script" not in html.split("<main", 1)[1].split("</main>", 1)[0]
    # The table's numbers are the function's.
    table = re.search(r'id="table-ethnic_group">(.*?)</table>', html, re.S).group(1)
    asian = ethnic["asian"]
    row = re.search(r"Asian, Scottish Asian or British Asian</th>(.*?)</tr>", table, re.S).group(1)
    cells = re.findall(r">([^<]*)</td>", row)
    assert cells == [str(asian.count), format_pounds(asian.mean_allocation),
                     format_pounds(asian.mean_fitted), format_pounds(asian.mean_residual),
                     f"\u2212{abs(asian.residual_percent)}%"]
    # Three disabled people: too few to show.
    disability = re.search(r'id="table-disability">(.*?)</table>', html, re.S).group(1)
    assert re.search(r"Yes</th>\s*<td[^>]*>fewer than 5</td>\s*<td[^>]*>Not shown", disability)
    assert 'id="suppression-note"' in html


@pytest.mark.django_db
def test_the_page_fits_a_price_for_each_domain_on_request(client, world):
    agreed_budgets(world, 30)
    client.login(username="scot_commissioner", password=TEST_PASSWORD)
    html = client.get(reverse("ras-calibration"), {"prices": "domains"}).content.decode()
    assert 'id="domain-prices"' in html
    report = calibration_report(actor=world.user("scot_commissioner"), authority=world.scot,
                                by_domain=True)
    assert report.domain_fit is not None
    from selfdirect.core.money import format_pounds

    for price in report.domain_fit.prices:
        assert f"{price.name}</th>" in html
        assert format_pounds(price.pence) in html


@pytest.mark.django_db
def test_a_domain_nobody_scores_gives_a_clear_message(client, world):
    budgets = agreed_budgets(world, 12)
    for budget in budgets:
        budget.domain_points = [d if d["code"] != "caring" else {**d, "points": 0}
                                for d in budget.domain_points]
    IndicativeBudget.objects.bulk_update(budgets, ["domain_points"])
    client.login(username="scot_administrator", password=TEST_PASSWORD)
    html = client.get(reverse("ras-calibration"), {"prices": "domains"}).content.decode()
    assert "No agreed package has any points in Caring for others" in html
    assert 'id="domain-prices"' not in html
    assert 'id="table-sex"' in html  # the single price's figures are still shown


@pytest.mark.django_db
def test_fewer_than_ten_agreed_budgets_shows_the_empty_state(client, world):
    budgets = agreed_budgets(world, 9)
    # Budgets not agreed, or of another authority, do not count.
    IndicativeBudget.objects.filter(pk=budgets[0].pk).update(state=IndicativeBudget.State.SUPERSEDED)
    client.login(username="scot_administrator", password=TEST_PASSWORD)
    html = client.get(reverse("ras-calibration")).content.decode()
    assert 'id="calibration-empty"' in html
    assert "There are 8 agreed budgets" in html
    assert 'role="img"' not in html


@pytest.mark.django_db
def test_the_english_administrator_sees_only_manchester(client, world):
    agreed_budgets(world, 12)
    client.login(username="eng_administrator", password=TEST_PASSWORD)
    response = client.get(reverse("ras-calibration"))
    assert response.status_code == 200
    assert response.context["authority"] == world.eng
    assert "There are 0 agreed budgets" in response.content.decode()
    # And the selector refuses Edinburgh's figures to them outright.
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        calibration_report(actor=world.user("eng_administrator"), authority=world.scot)


@pytest.mark.django_db
def test_the_selector_query_count_does_not_grow_with_packages(world, django_assert_max_num_queries):
    version = live_version(world)
    admin = world.user("scot_administrator")
    agreed_budgets(world, 12, version=version)
    admin = type(admin).objects.get(pk=admin.pk)  # a fresh user: no cached roles
    with CaptureQueriesContext(connection) as few:
        calibration_report(actor=admin, authority=world.scot, by_domain=True)
    agreed_budgets(world, 40, seed=4, version=version)
    admin = type(admin).objects.get(pk=admin.pk)
    with CaptureQueriesContext(connection) as many:
        report = calibration_report(actor=admin, authority=world.scot, by_domain=True)
    assert report.n == 52
    assert len(many.captured_queries) == len(few.captured_queries)
    admin = type(admin).objects.get(pk=admin.pk)
    with django_assert_max_num_queries(4):
        calibration_report(actor=admin, authority=world.scot)


@pytest.mark.django_db
def test_a_commissioner_working_in_another_authority_is_refused_there(client, world):
    """The page follows the current authority, and the permission is checked against it:
    Edinburgh's commissioner who switches to Manchester, where they are a social worker,
    is refused (not shown Edinburgh's figures, nor Manchester's)."""
    from selfdirect.authorities.models import Role
    from tests.factories import StaffRoleFactory

    agreed_budgets(world, 12)
    user = world.user("scot_commissioner")
    StaffRoleFactory(user=user, authority=world.eng, role=Role.SOCIAL_WORKER, team=world.eng_team)
    client.login(username=user.username, password=TEST_PASSWORD)
    assert client.get(reverse("ras-calibration")).status_code == 200
    client.post(reverse("authority-switch"), {"authority": world.eng.pk})
    assert client.get(reverse("ras-calibration")).status_code == 403


@pytest.mark.django_db
def test_the_page_query_count_does_not_grow_with_packages(client, world):
    version = live_version(world)
    agreed_budgets(world, 12, version=version)
    client.login(username="scot_administrator", password=TEST_PASSWORD)
    url = reverse("ras-calibration")
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    agreed_budgets(world, 40, seed=4, version=version)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
