"""Calibration and fairness of the resource allocation system (RAS).

In Control's practice: regress the cost of agreed packages on their points. Here:

- ``fit_price_per_point``: one price per point by least squares **through the origin**
  (no intercept: no points, no money): ``p = Σxy / Σx²`` with ``x`` the points and ``y``
  the yearly total in pence, worked out exactly with ``Fraction``.
- ``fit_domain_prices``: a price per point for each domain (multiple regression through
  the origin), by solving the normal equations ``XᵀX β = Xᵀy`` exactly (Gaussian
  elimination on ``Fraction``). A domain with no variation, or one that moves in step
  with others, cannot be priced: ``SingularFit`` says which.
- Both give a ``Fit``: prices rounded half-up to whole pence, the **centred** R²
  (``1 − SS_res / SS_tot``, ``SS_tot`` about the mean; for a model without an intercept
  it can be below zero, and it is not the uncentred R² some packages print), the residual
  standard deviation (``√(SS_res / (n − k))``, k the number of prices, by
  ``Decimal.sqrt``), and the 10th and 90th percentiles of the residuals (linear
  interpolation between order statistics).
- ``fairness``: for each dimension (age band, client group, sex, ethnic group,
  disability) and group, the number of packages, the mean allocation and the mean
  residual (actual − fitted) in pence and as a percentage of the group's mean fitted
  amount. Groups with fewer than ``SUPPRESS_BELOW`` packages are suppressed (statistical
  disclosure control, as Public Health Scotland does).
- ``calibration_report``: the one selector. It loads an authority's agreed budgets with
  their people and equality answers in one query, and the live version in one more.

No float anywhere: amounts are whole pence (``int``), arithmetic is ``Fraction``, and
``Decimal`` appears only for display (R², percentages, the square root).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from typing import Any

from selfdirect.allocation.models import IndicativeBudget, RasVersion
from selfdirect.core import clock
from selfdirect.core.services import require_perm
from selfdirect.people.models import ClientGroup, EqualityInfo

SUPPRESS_BELOW = 5
"""Groups with fewer packages than this are not shown."""
MINIMUM_PACKAGES = 10
"""Below this many agreed packages the page shows no fit at all."""
NOT_RECORDED = "not_recorded"
NOT_RECORDED_LABEL = "Not recorded"
HUNDRED = Decimal(100)


# --- Exact arithmetic helpers ----------------------------------------------------------


def round_half_up(value: Fraction | int) -> int:
    """To the nearest whole number, halves away from zero (so −2.5 → −3, 2.5 → 3)."""
    value = Fraction(value)
    magnitude = (2 * abs(value.numerator) + value.denominator) // (2 * value.denominator)
    return -magnitude if value < 0 else magnitude


def to_decimal(value: Fraction, places: int) -> Decimal:
    """``value`` as a ``Decimal`` with ``places`` decimal places, rounded half-up."""
    with localcontext() as context:
        context.prec = 60
        exact = Decimal(value.numerator) / Decimal(value.denominator)
        return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def percentile(values: Sequence[Fraction], q: Fraction) -> Fraction:
    """The ``q`` quantile (0 ≤ q ≤ 1) by linear interpolation between order statistics
    (position ``(n − 1) q`` in the sorted values; Hyndman and Fan's type 7), exactly."""
    if not values:
        raise ValueError("No values to take a percentile of")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    below = position.numerator // position.denominator
    weight = position - below
    if below + 1 >= len(ordered):
        return ordered[-1]
    return ordered[below] + (ordered[below + 1] - ordered[below]) * weight


class SingularFit(ValueError):
    """The normal equations have no single solution: the named domains cannot be priced."""

    def __init__(self, message: str, domains: Sequence[str]) -> None:
        super().__init__(message)
        self.message = message
        self.domains = list(domains)


def solve(matrix: Sequence[Sequence[Fraction | int]], rhs: Sequence[Fraction | int]) -> list[Fraction]:
    """Solve ``matrix · β = rhs`` exactly by Gaussian elimination with row swaps.

    Raises ``SingularFit`` naming (by index, as text) the first column with no pivot:
    that column is a combination of the ones before it."""
    size = len(matrix)
    rows = [[Fraction(v) for v in row] + [Fraction(rhs[i])] for i, row in enumerate(matrix)]
    for col in range(size):
        pivot = next((r for r in range(col, size) if rows[r][col] != 0), None)
        if pivot is None:
            raise SingularFit(f"Column {col} has no pivot", [str(col)])
        rows[col], rows[pivot] = rows[pivot], rows[col]
        lead = rows[col][col]
        rows[col] = [v / lead for v in rows[col]]
        for r in range(size):
            if r != col and rows[r][col] != 0:
                factor = rows[r][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[col], strict=True)]
    return [rows[i][size] for i in range(size)]


# --- The data ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Package:
    """One agreed package: its yearly total (whole pence), its points, its points per
    domain (code → points) and the person's group in each dimension (dimension → key)."""

    total: int
    points: int
    domain_points: Mapping[str, int] = field(default_factory=dict)
    groups: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Price:
    code: str
    name: str
    exact: Fraction

    @property
    def pence(self) -> int:
        """The price per point in whole pence, rounded half-up."""
        return round_half_up(self.exact)


@dataclass(frozen=True)
class Fit:
    """A least-squares fit through the origin. ``fitted`` and ``residuals`` (actual −
    fitted) are exact, in pence, in the order of the packages given."""

    prices: list[Price]
    fitted: list[Fraction]
    residuals: list[Fraction]
    ss_res: Fraction
    ss_tot: Fraction

    @property
    def n(self) -> int:
        return len(self.fitted)

    @property
    def price_per_point(self) -> int:
        """The single price, in whole pence (the first price of a per-domain fit)."""
        return self.prices[0].pence

    @property
    def r_squared(self) -> Decimal | None:
        """Centred R² = 1 − SS_res / SS_tot, to 3 places; None when every package has the
        same total (SS_tot = 0)."""
        if self.ss_tot == 0:
            return None
        return to_decimal(1 - self.ss_res / self.ss_tot, 3)

    @property
    def residual_sd(self) -> int:
        """√(SS_res / (n − k)) in whole pence (half-up); k is the number of prices."""
        freedom = self.n - len(self.prices)
        if freedom <= 0:
            return 0
        variance = self.ss_res / freedom
        with localcontext() as context:
            context.prec = 60
            root = (Decimal(variance.numerator) / Decimal(variance.denominator)).sqrt()
            return int(root.quantize(Decimal(1), rounding=ROUND_HALF_UP))

    @property
    def p10(self) -> int:
        """The 10th percentile of the residuals, in whole pence (half-up)."""
        return round_half_up(percentile(self.residuals, Fraction(1, 10)))

    @property
    def p90(self) -> int:
        return round_half_up(percentile(self.residuals, Fraction(9, 10)))


def _fit(prices: list[Price], fitted: list[Fraction], totals: list[int]) -> Fit:
    residuals = [y - f for y, f in zip(totals, fitted, strict=True)]
    mean = Fraction(sum(totals), len(totals))
    return Fit(prices=prices, fitted=fitted, residuals=residuals,
               ss_res=sum((r * r for r in residuals), Fraction(0)),
               ss_tot=sum(((y - mean) ** 2 for y in totals), Fraction(0)))


def fit_price_per_point(packages: Sequence[Package]) -> Fit:
    """One price per point: p = Σ(points × total) / Σ(points²), exactly."""
    if not packages:
        raise ValueError("There are no agreed packages to fit")
    sxx = sum(p.points * p.points for p in packages)
    if sxx == 0:
        raise SingularFit("No agreed package has any points, so no price per point can be "
                          "worked out", ["points"])
    price = Fraction(sum(p.points * p.total for p in packages), sxx)
    return _fit([Price("points", "Every point", price)],
                [price * p.points for p in packages], [p.total for p in packages])


def fit_domain_prices(packages: Sequence[Package],
                      domains: Sequence[tuple[str, str]]) -> Fit:
    """A price per point for each domain (``domains`` is [(code, name), ...]): the
    least-squares solution of XᵀX β = Xᵀy, exactly. Raises ``SingularFit`` with a message
    naming the domain(s) when a domain has no points in any package, or when its points
    move in step with other domains' so the two cannot be told apart."""
    if not packages:
        raise ValueError("There are no agreed packages to fit")
    codes = [code for code, _ in domains]
    names = dict(domains)
    x = [[p.domain_points.get(code, 0) for code in codes] for p in packages]
    empty = [names[c] for j, c in enumerate(codes) if all(row[j] == 0 for row in x)]
    if empty:
        raise SingularFit(
            f"No agreed package has any points in {_and(empty)}, so a price for "
            f"{'it' if len(empty) == 1 else 'them'} cannot be worked out. Use one price per "
            "point, or wait until more packages have points there.", empty)
    k = len(codes)
    xtx = [[sum(row[i] * row[j] for row in x) for j in range(k)] for i in range(k)]
    xty = [sum(row[i] * p.total for row, p in zip(x, packages, strict=True)) for i in range(k)]
    try:
        beta = solve(xtx, xty)
    except SingularFit as exc:
        name = names[codes[int(exc.domains[0])]]
        raise SingularFit(
            f"The points in {name} move in step with other domains' in every agreed "
            "package, so its own price cannot be told apart. Use one price per point.",
            [name]) from exc
    fitted = [sum((b * v for b, v in zip(beta, row, strict=True)), Fraction(0)) for row in x]
    return _fit([Price(c, names[c], b) for c, b in zip(codes, beta, strict=True)], fitted,
                [p.total for p in packages])


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


# --- Fairness ---------------------------------------------------------------------------


AGE_BANDS = [("under_18", "Under 18"), ("18_64", "18 to 64"), ("65_74", "65 to 74"),
             ("75_84", "75 to 84"), ("85_plus", "85 and over")]


def age_on(date_of_birth: datetime.date, on: datetime.date) -> int:
    return on.year - date_of_birth.year - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))


def age_band(date_of_birth: datetime.date, on: datetime.date) -> str:
    age = age_on(date_of_birth, on)
    if age < 18:
        return "under_18"
    if age < 65:
        return "18_64"
    if age < 75:
        return "65_74"
    if age < 85:
        return "75_84"
    return "85_plus"


@dataclass(frozen=True)
class Dimension:
    key: str
    name: str
    groups: list[tuple[str, str]]  # (key, label), in the order shown; "not recorded" last


DIMENSIONS: list[Dimension] = [
    Dimension("age", "Age band", AGE_BANDS),
    Dimension("client_group", "Client group",
              [(c.value, c.label) for c in ClientGroup] + [(NOT_RECORDED, NOT_RECORDED_LABEL)]),
    Dimension("sex", "Sex", [*EqualityInfo.SEX, (NOT_RECORDED, NOT_RECORDED_LABEL)]),
    Dimension("ethnic_group", "Ethnic group",
              [*EqualityInfo.ETHNIC, (NOT_RECORDED, NOT_RECORDED_LABEL)]),
    Dimension("disability", "Considers themself disabled",
              [*EqualityInfo.YES_NO, (NOT_RECORDED, NOT_RECORDED_LABEL)]),
]


@dataclass(frozen=True)
class GroupResult:
    """One group's figures; every figure is None when the group is suppressed."""

    key: str
    label: str
    count: int
    suppressed: bool
    mean_allocation: int | None = None
    mean_fitted: int | None = None
    mean_residual: int | None = None
    residual_percent: Decimal | None = None


@dataclass(frozen=True)
class DimensionResult:
    key: str
    name: str
    groups: list[GroupResult]

    @property
    def any_suppressed(self) -> bool:
        return any(g.suppressed for g in self.groups)


def fairness(packages: Sequence[Package], fit: Fit,
             dimensions: Iterable[Dimension] = DIMENSIONS) -> list[DimensionResult]:
    """For each dimension and each group with at least one package: its count, mean
    allocation, mean fitted amount and mean residual (actual − fitted) in whole pence
    (half-up), and the mean residual as a percentage of its mean fitted amount (to 1
    place). A group with fewer than ``SUPPRESS_BELOW`` packages shows its count as
    suppressed and no figures. Groups not listed in the dimension are shown after the
    listed ones under their own key."""
    results = []
    for dimension in dimensions:
        members: dict[str, list[int]] = {}
        for index, package in enumerate(packages):
            members.setdefault(package.groups.get(dimension.key, NOT_RECORDED), []).append(index)
        labels = dict(dimension.groups)
        order = [k for k, _ in dimension.groups] + sorted(set(members) - set(labels))
        groups = []
        for key in order:
            indexes = members.get(key, [])
            if not indexes:
                continue
            label = labels.get(key, key)
            count = len(indexes)
            if count < SUPPRESS_BELOW:
                groups.append(GroupResult(key, label, count, suppressed=True))
                continue
            total = sum(packages[i].total for i in indexes)
            fitted = sum((fit.fitted[i] for i in indexes), Fraction(0))
            residual = sum((fit.residuals[i] for i in indexes), Fraction(0))
            percent = None if fitted == 0 else to_decimal(residual / fitted * 100, 1)
            groups.append(GroupResult(
                key, label, count, suppressed=False,
                mean_allocation=round_half_up(Fraction(total, count)),
                mean_fitted=round_half_up(fitted / count),
                mean_residual=round_half_up(residual / count), residual_percent=percent))
        results.append(DimensionResult(dimension.key, dimension.name, groups))
    return results


# --- The selector ------------------------------------------------------------------------


@dataclass
class CalibrationReport:
    """What the calibration page shows. ``fit`` is None when there are fewer than
    ``MINIMUM_PACKAGES`` agreed packages (or none has points)."""

    authority: Any
    n: int
    live_version: RasVersion | None
    by_domain: bool
    fit: Fit | None = None
    domain_fit: Fit | None = None
    domain_problem: str = ""
    problem: str = ""
    dimensions: list[DimensionResult] = field(default_factory=list)

    @property
    def enough(self) -> bool:
        return self.fit is not None

    @property
    def fairness_fit(self) -> Fit | None:
        """The fit the fairness figures are measured against."""
        return self.domain_fit if self.by_domain and self.domain_fit else self.fit

    @property
    def live_price(self) -> int | None:
        return self.live_version.price_per_point if self.live_version else None

    @property
    def price_change_percent(self) -> Decimal | None:
        """(Price found − live price) as a percentage of the live price, to 1 place."""
        if self.fit is None or not self.live_price:
            return None
        return to_decimal(Fraction(self.fit.price_per_point - self.live_price,
                                   self.live_price) * 100, 1)


def package_groups(person: Any, equality: EqualityInfo | None, on: datetime.date) -> dict[str, str]:
    """The person's group in each dimension. A blank answer, or no equality record at
    all, is "not recorded": a group of its own."""
    def answer(name: str) -> str:
        value = getattr(equality, name, "") if equality is not None else ""
        return value or NOT_RECORDED

    return {"age": age_band(person.date_of_birth, on),
            "client_group": person.client_group or NOT_RECORDED,
            "sex": answer("sex"), "ethnic_group": answer("ethnic_group"),
            "disability": answer("disability")}


def load_packages(authority: Any, today: datetime.date) -> tuple[list[Package], list[tuple[str, str]]]:
    """The authority's agreed budgets as ``Package``s, with the domains seen (code, name)
    in the order first met. One query: budgets with their person and the person's
    equality answers (one record per person, kept current; history keeps older answers).
    Age is taken on the day the budget was agreed (today when that is not recorded)."""
    budgets = (IndicativeBudget.objects
               .filter(person__authority=authority, state=IndicativeBudget.State.AGREED)
               .select_related("person", "person__equality")
               .only("total", "points", "domain_points", "agreed_on", "person__date_of_birth",
                     "person__client_group", "person__equality__sex",
                     "person__equality__ethnic_group", "person__equality__disability")
               .order_by("pk"))
    packages = []
    domains: dict[str, str] = {}
    for budget in budgets:
        person = budget.person
        try:
            equality: EqualityInfo | None = person.equality
        except EqualityInfo.DoesNotExist:
            equality = None
        by_code = {}
        for line in budget.domain_points or []:
            code = str(line["code"])
            domains.setdefault(code, str(line.get("name") or code))
            by_code[code] = int(line["points"])
        packages.append(Package(total=budget.total, points=budget.points, domain_points=by_code,
                                groups=package_groups(person, equality, budget.agreed_on or today)))
    return packages, list(domains.items())


def calibration_report(*, actor: Any, authority: Any, by_domain: bool = False) -> CalibrationReport:
    """The calibration and fairness of ``authority``'s RAS, for whoever may view it
    (``allocation.view_calibration`` on the authority). Two queries, however many
    packages: the agreed budgets (with people and equality answers) and the live version."""
    require_perm(actor, "allocation.view_calibration", authority)
    today = clock.today()
    packages, domains = load_packages(authority, today)
    live = (RasVersion.objects.filter(authority=authority, state=RasVersion.State.LIVE,
                                      effective_from__lte=today)
            .order_by("-effective_from", "-pk").first())
    report = CalibrationReport(authority=authority, n=len(packages), live_version=live,
                               by_domain=by_domain)
    if len(packages) < MINIMUM_PACKAGES:
        return report
    try:
        report.fit = fit_price_per_point(packages)
    except SingularFit as exc:
        report.problem = exc.message
        return report
    if by_domain:
        try:
            report.domain_fit = fit_domain_prices(packages, domains)
        except SingularFit as exc:
            report.domain_problem = exc.message
    chosen = report.fairness_fit
    assert chosen is not None
    report.dimensions = fairness(packages, chosen)
    return report
