"""``{% load money %}`` then ``{{ pence|pounds }}``: whole pence shown as "£1,234.56"
(``core.money.format_pounds``), so templates never do arithmetic on money."""

from django import template

from selfdirect.core.money import format_pounds

register = template.Library()


@register.filter
def pounds(pence: int | None) -> str:
    return "" if pence is None else format_pounds(int(pence))
