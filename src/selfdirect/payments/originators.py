"""The authority's own bank details for the bank files (``Originator``): its BACS
service user number (SUN), the name the bank knows it by, and the account that pays.
A run cannot be paid until they are recorded (``runs.run_post``)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from selfdirect.authorities.models import Authority
from selfdirect.core.services import require_perm, save_with_history
from selfdirect.payments.bacs import BACS_CHARACTERS, NAME_LENGTH
from selfdirect.payments.models import Originator

MANAGE = "payments.manage_direct_payments"


def originator_for(authority: Authority) -> Originator | None:
    return Originator.objects.filter(authority=authority).first()


def _digits(value: str, field: str, length: int, what: str) -> str:
    digits = "".join(ch for ch in (value or "") if ch not in " -")
    if not digits:
        raise ValidationError({field: f"Enter {what}"})
    if not digits.isascii() or not digits.isdigit() or len(digits) != length:
        raise ValidationError({field: f"Enter {what} as {length} digits, like "
                                      f"{'123456' if length == 6 else '12345678'}"})
    return digits


def _name(value: str, field: str, what: str) -> str:
    text = " ".join((value or "").split()).upper()
    if not text:
        raise ValidationError({field: f"Enter {what}"})
    if len(text) > NAME_LENGTH:
        raise ValidationError({field: f"{what[0].upper()}{what[1:]} must be {NAME_LENGTH} "
                                      "characters or fewer"})
    if not set(text) <= BACS_CHARACTERS:
        raise ValidationError({field: f"{what[0].upper()}{what[1:]} can only have letters, "
                                      "numbers, spaces and . & / -"})
    return text


def originator_set(*, actor: Any, authority: Authority, service_user_number: str, name: str,
                   sort_code: str, account_number: str, account_name: str,
                   reason: str = "Bank details recorded") -> Originator:
    """Record (or change) the authority's bank details, with history. Every mistake is
    reported at once, each on its field."""
    require_perm(actor, MANAGE, authority)
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, str] = {}
    checks = {
        "service_user_number": lambda: _digits(service_user_number, "service_user_number", 6,
                                               "the BACS service user number"),
        "name": lambda: _name(name, "name", "the name the bank knows the council by"),
        "sort_code": lambda: _digits(sort_code, "sort_code", 6, "the sort code"),
        "account_number": lambda: _digits(account_number, "account_number", 8,
                                          "the account number"),
        "account_name": lambda: _name(account_name, "account_name", "the name on the account"),
    }
    for field, check in checks.items():
        try:
            cleaned[field] = check()
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        origin = (Originator.objects.select_for_update().filter(authority=authority).first()
                  or Originator(authority=authority))
        for field, value in cleaned.items():
            setattr(origin, field, value)
        save_with_history(origin, actor=actor, reason=reason)
    return origin
