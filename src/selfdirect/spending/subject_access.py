"""What the spending app holds about a person (``selfdirect.dataprotection.registry``)."""

from selfdirect.dataprotection.registry import Part, Section, register
from selfdirect.spending.models import SpendingRequest

register(Section(
    key="spending", order=80, heading="Requests to spend your budget differently",
    parts=(
        Part(SpendingRequest, "Spending requests and decisions", person="person"),
    )))
