"""The charging rules in force for an authority on a date, read from its policy figures
(``charging.*`` keys of ``authorities/data/policy/<country>.yaml``) in one query."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from selfdirect.authorities.models import Authority, Country
from selfdirect.authorities.policy import policy_figures_in_force
from selfdirect.charging.calculation import ChargingRules

POUND = 100


class NoChargingPolicy(Exception):
    """The authority's policy set has no charging figure in force on the date."""


def scottish_threshold(base: int, buffer_percent: Decimal) -> int:
    """The benefit rate plus the buffer, in whole pounds as COSLA publishes it (half up):
    £109.30 + 25% = £136.625, so £137."""
    pounds = (Decimal(base) * (1 + buffer_percent / 100) / POUND).quantize(
        Decimal(1), rounding=ROUND_HALF_UP)
    return int(pounds) * POUND


def charging_rules(authority: Authority, on: datetime.date) -> ChargingRules:
    figures = {f.definition.key: f for f in policy_figures_in_force(authority=authority, on=on)
               if f.definition.key.startswith("charging.")}

    def value(key: str) -> object:
        try:
            return figures[key].value
        except KeyError as exc:
            raise NoChargingPolicy(
                f"{authority} has no value for “{key}” on {on:%-d %B %Y}: its administrator "
                "must set the charging policy first") from exc

    def pence(key: str) -> int:
        amount = value(key)
        assert isinstance(amount, int)
        return amount

    def rate(key: str) -> Decimal:
        amount = value(key)
        assert isinstance(amount, Decimal)
        return amount

    shown = tuple(
        {"key": f.definition.key, "label": f.definition.label, "value": f.display,
         "from": f.effective_from.isoformat(), "source": f.source}
        for f in figures.values()
        if not f.definition.key.startswith(("charging.disregard.", "charging.flat_rate."))
        or f.value)
    disregards = {key.removeprefix("charging.disregard."): rate(key)
                  for key in figures if key.startswith("charging.disregard.")}
    flat_rates = {key.removeprefix("charging.flat_rate."): pence(key)
                  for key in figures if key.startswith("charging.flat_rate.")}
    if authority.country == Country.SCOTLAND:
        working_buffer = rate("charging.buffer_working_age_percent")
        pension_buffer = rate("charging.buffer_pension_age_percent")
        national = {
            "buffer_working_age_percent": working_buffer, "buffer_pension_age_percent": pension_buffer,
            "threshold_working_age": scottish_threshold(
                pence("charging.threshold_base_working_age_weekly"), working_buffer),
            "threshold_pension_age": scottish_threshold(
                pence("charging.threshold_base_pension_age_weekly"), pension_buffer)}
    else:
        national = {
            "mig_18_24": pence("charging.mig_single_18_24_weekly"),
            "mig_25_plus": pence("charging.mig_single_25_plus_weekly"),
            "mig_pension_age": pence("charging.mig_pension_age_single_weekly"),
            "mig_disability_premium": pence("charging.mig_disability_premium_weekly"),
            "mig_enhanced_disability_premium": pence("charging.mig_enhanced_disability_premium_weekly")}
    return ChargingRules(
        country=authority.country, on=on,
        pension_age=pence("charging.pension_age_years"),
        taper_percent=rate("charging.taper_percent"),
        weekly_cap=pence("charging.weekly_cap"),
        capital_lower=pence("charging.capital_lower_limit"),
        capital_upper=pence("charging.capital_upper_limit"),
        tariff_step=pence("charging.tariff_capital_step"),
        disregard_percent=disregards, flat_rates=flat_rates, figures=shown,
        **national,  # type: ignore[arg-type]
    )
