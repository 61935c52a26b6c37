"""The supported person's and their carer's or representative's own pages.

The person's record itself is the shared person page (``workspace.views.person_detail``),
which shows each reader only what they may see: one page, one set of services."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from selfdirect.core.permissions import permission_required
from selfdirect.people.selectors import portal_people_queryset


@permission_required("portal.view_own_pages")
def portal_home(request: HttpRequest) -> HttpResponse:
    people = list(portal_people_queryset(user=request.user)
                  .select_related("authority").order_by("family_name", "given_name"))
    return render(request, "portal/home.html", {"people": people})
