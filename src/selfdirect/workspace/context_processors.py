"""Template context shared by every page: who is signed in, where, and the navigation
(the staff workspace lists every app's pages a role may use, so it lives here, not in core)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from selfdirect.authorities.selectors import user_roles
from selfdirect.authorities.web import user_current_authority


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "current_authority": None}
    items: list[tuple[str, str, str | None]] = [("dashboard", "Home", None)]
    if user.has_perm("people.search_people"):
        items.append(("people-search", "People", None))
    if user.has_perm("assessments.view_waiting_list"):
        items.append(("waiting-list", "Waiting list", None))
    if user.has_perm("allocation.sit_on_panel"):
        items.append(("panel-home", "Panel", None))
    elif user.has_perm("allocation.manage_envelope"):
        items.append(("panel-envelope", "Budget envelope", None))
    if user.has_perm("allocation.manage_ras"):
        items.append(("ras-versions", "Resource allocation", None))
    elif user.has_perm("allocation.view_calibration"):
        items.append(("ras-calibration", "Resource allocation", None))
    if user.has_perm("charging.view_worklist"):
        items.append(("charging-worklist", "Charging", None))
    if user.has_perm("spending.view_worklist"):
        items.append(("spending-requests", "Spending requests", None))
    if user.has_perm("providers.view_directory") and user_roles(user).is_staff_anywhere:
        items.append(("provider-search", "Providers", None))
    if user.has_perm("payments.run_payments"):
        items.append(("payment-runs", "Payments", None))
    if user.has_perm("planning.respond_to_referral"):
        items.append(("provider-referrals", "Referrals", None))
        items.append(("provider-hours", "Hours delivered", None))
    if user.has_perm("dataprotection.export_person"):
        items.append(("subject-access-find", "Subject access", None))
        items.append(("retention", "Retention", None))
    if user.has_perm("authorities.view_policy"):
        items.append(("policy-list", "Policy figures", None))
    if user.has_perm("accounts.unlock_sign_in"):
        items.append(("sign-in-lockouts", "Sign-in lockouts", None))
    # Those who start long work (a price change, a retention list) follow it here.
    if user.has_perm("authorities.manage_policy") or user.has_perm(
            "dataprotection.export_person"):
        items.append(("job-list", "Background jobs", None))
    if user.has_perm("portal.view_own_pages"):
        items.append(("portal-home", "My support", None))
    path = request.path
    nav = []
    for name, text, _ in items:
        href = reverse(name)
        nav.append({"href": href, "text": text,
                    "current": path == href or (href != "/" and path.startswith(href) and name != "dashboard")})
    return {"nav_items": nav, "current_authority": user_current_authority(request)}
