"""The authority administrator's pages for the resource allocation questionnaire (RAS):
its versions, one version's questionnaire, a new price per point (with a confirmation
step saying what will be recalculated), a draft copy, a draft's points, and publishing.

Every page works in the user's current authority (``user_current_authority``): a
version of another authority is not found."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse

from selfdirect.allocation import services
from selfdirect.allocation.models import IndicativeBudget, RasAnswer, RasDomain, RasVersion
from selfdirect.authorities.models import Authority
from selfdirect.authorities.web import current_authority_for
from selfdirect.core import clock
from selfdirect.core.forms import GovukDateField, GovukForm, apply_govuk_messages
from selfdirect.core.money import amount_message, format_pounds, pence_from_pounds, pounds
from selfdirect.core.permissions import permission_required
from selfdirect.core.views import add_service_errors

PERM = "allocation.manage_ras"


# --- Forms --------------------------------------------------------------------------------


class PriceChangeForm(GovukForm):
    price_per_point = forms.CharField(
        label="New price per point", max_length=20,
        help_text="In pounds and pence, like 47.00",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "decimal",
                                      "spellcheck": "false"}))
    effective_from = GovukDateField(label="Applies from",
                                    help_text="Today or earlier. For example, 1 4 2026")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        apply_govuk_messages(self)
        self.fields["price_per_point"].govuk_prefix = "£"  # type: ignore[attr-defined]

    def clean_price_per_point(self) -> int:
        value = self.cleaned_data["price_per_point"]
        try:
            pence = pence_from_pounds(value)
        except (TypeError, ValueError) as exc:
            raise forms.ValidationError(amount_message(
                exc, "New price per point",
                "New price per point must be in pounds and pence, like 47.00")) from exc
        if pence <= 0:
            raise forms.ValidationError("New price per point must be more than £0.00")
        return pence


class DraftForm(GovukForm):
    effective_from = GovukDateField(label="Applies from",
                                    help_text="The date the new version will apply from. "
                                              "For example, 1 4 2027")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        apply_govuk_messages(self)


class PointsForm(GovukForm):
    """One whole-number box per answer of a draft, named ``answer_<id>``."""

    def __init__(self, *args: Any, answers: list[RasAnswer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for answer in answers:
            self.fields[f"answer_{answer.pk}"] = forms.CharField(
                label=answer.text, initial=answer.points, max_length=5,
                widget=forms.TextInput(attrs={"class": "govuk-input--width-3",
                                              "inputmode": "numeric", "spellcheck": "false"}))
        apply_govuk_messages(self)
        for answer in answers:
            self.fields[f"answer_{answer.pk}"].error_messages["required"] = (
                f"Enter the points for \u201c{answer.text}\u201d")


# --- Helpers ------------------------------------------------------------------------------


def _version(request: HttpRequest, version_id: int) -> tuple[Authority, RasVersion]:
    authority = current_authority_for(request, PERM)
    version = RasVersion.objects.filter(pk=version_id, authority=authority).first()
    if version is None:
        raise Http404("No such version of the questionnaire.")
    return authority, version


def _counts(authority: Authority) -> dict[str, int]:
    """How many budgets of the authority are in each state (one query)."""
    rows = (IndicativeBudget.objects.filter(person__authority=authority)
            .values("state").annotate(n=Count("pk")).order_by())
    counts = dict.fromkeys(IndicativeBudget.State.values, 0)
    counts.update({row["state"]: row["n"] for row in rows})
    return counts


def _questionnaire(version: RasVersion) -> list[RasDomain]:
    return list(RasDomain.objects.filter(version=version).prefetch_related("questions__answers"))


def _replaces_today(version: RasVersion) -> bool:
    """Whether publishing ``version`` now would replace the version in force today (and
    so recalculate indicative budgets)."""
    today = clock.today()
    current = services.live_version_on(version.authority_id, today, scope=version.scope)
    return (version.effective_from <= today and current is not None
            and current.effective_from < version.effective_from)


# --- Pages --------------------------------------------------------------------------------


@permission_required(PERM)
def ras_versions(request: HttpRequest) -> HttpResponse:
    """Every version of the authority's questionnaire, with its date, price and budgets.
    With none yet, a button loads the default questionnaire as a draft (POST)."""
    authority = current_authority_for(request, PERM)
    if request.method == "POST":
        if RasVersion.objects.filter(authority=authority).exists():
            messages.info(request, "The council already has a questionnaire: make a draft "
                                   "copy of a version to change it.")
            return redirect("ras-versions")
        version = services.ras_version_create_default(
            actor=request.user, authority=authority, effective_from=clock.today())
        messages.success(request, "The default questionnaire has been loaded as a draft.")
        return redirect("ras-version", version_id=version.pk)
    versions = list(RasVersion.objects.filter(authority=authority)
                    .annotate(budget_count=Count("budgets")).order_by("-effective_from", "-pk"))
    by_version: dict[int, dict[str, int]] = {}
    for row in (IndicativeBudget.objects.filter(ras_version__authority=authority)
                .values("ras_version_id", "state").annotate(n=Count("pk")).order_by()):
        by_version.setdefault(row["ras_version_id"], {})[row["state"]] = row["n"]
    today = clock.today()
    in_force = {current.pk for current in (
        services.live_version_on(authority, today, scope=scope)
        for scope in {v.scope for v in versions}) if current is not None}
    rows = [{"version": v, "price": format_pounds(v.price_per_point),
             "in_force": v.pk in in_force,
             "counts": [(label, by_version.get(v.pk, {}).get(state, 0))
                        for state, label in IndicativeBudget.State.choices]}
            for v in versions]
    return render(request, "allocation/ras_versions.html", {
        "authority": authority, "rows": rows})


@permission_required(PERM)
def ras_version(request: HttpRequest, version_id: int) -> HttpResponse:
    """One version's questionnaire, a table per domain, and what can be done with it."""
    authority, version = _version(request, version_id)
    in_force = services.live_version_on(authority, clock.today(), scope=version.scope)
    return render(request, "allocation/ras_version.html", {
        "authority": authority, "version": version, "domains": _questionnaire(version),
        "price": format_pounds(version.price_per_point),
        "bands": [{**band, "amount_display": format_pounds(band["amount"] or band["cap"])}
                  for band in services.version_bands(version)],
        "in_force": in_force is not None and in_force.pk == version.pk})


@permission_required(PERM)
def ras_price_change(request: HttpRequest, version_id: int) -> HttpResponse:
    """A new price per point for the live version: the form, then a confirmation saying
    how many indicative budgets will be recalculated and agreed ones flagged, then the
    change, which queues the recalculation and sends the administrator to its progress
    page (POST-redirect-GET)."""
    authority, version = _version(request, version_id)
    if version.state != RasVersion.State.LIVE:
        raise Http404("Only a live version's price can be changed.")
    form = PriceChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        pence = form.cleaned_data["price_per_point"]
        effective_from = form.cleaned_data["effective_from"]
        if request.POST.get("confirm") == "yes":
            try:
                new, job = services.ras_price_change_with_job(
                    actor=request.user, version=version, price_per_point=format_pounds(pence),
                    effective_from=effective_from, back_url=reverse("ras-versions"))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"The price per point is now {format_pounds(pence)} "
                                          f"from {effective_from:%-d %B %Y}. The budgets are "
                                          f"being worked out again: this page shows how far "
                                          f"it has got.")
                return redirect("job-detail", job_id=job.pk)
        else:
            counts = _counts(authority)
            return render(request, "allocation/ras_price_confirm.html", {
                "authority": authority, "version": version, "form": form,
                "old_price": format_pounds(version.price_per_point),
                "new_price": format_pounds(pence), "effective_from": effective_from,
                "indicative": counts[IndicativeBudget.State.INDICATIVE],
                "agreed": counts[IndicativeBudget.State.AGREED],
                "proposed": counts[IndicativeBudget.State.PROPOSED]})
    return render(request, "allocation/ras_price_change.html", {
        "authority": authority, "version": version, "form": form,
        "price": format_pounds(version.price_per_point)})


@permission_required(PERM)
def ras_draft(request: HttpRequest, version_id: int) -> HttpResponse:
    """Make a draft copy of a version, to change its points and publish it."""
    authority, version = _version(request, version_id)
    form = DraftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            draft = services.ras_version_draft_from(
                actor=request.user, version=version,
                effective_from=form.cleaned_data["effective_from"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "A draft copy has been made: change its points, then "
                                      "publish it.")
            return redirect("ras-points", version_id=draft.pk)
    return render(request, "allocation/ras_draft.html", {
        "authority": authority, "version": version, "form": form})


@permission_required(PERM)
def ras_points(request: HttpRequest, version_id: int) -> HttpResponse:
    """The points of each answer of a draft, one box per answer, grouped by question."""
    authority, version = _version(request, version_id)
    if version.state != RasVersion.State.DRAFT:
        raise Http404("Only a draft's points can be changed.")
    domains = _questionnaire(version)
    answers = [a for d in domains for q in d.questions.all() for a in q.answers.all()]
    form = PointsForm(request.POST or None, answers=answers)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.ras_answer_points_set(
                actor=request.user, version=version,
                points_by_answer_id={a.pk: form.cleaned_data[f"answer_{a.pk}"] for a in answers})
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Points saved: {changed} "
                                      f"{'answer' if changed == 1 else 'answers'} changed.")
            return redirect("ras-version", version_id=version.pk)
    groups = [{"domain": d, "questions": [
        {"question": q, "fields": [form[f"answer_{a.pk}"] for a in q.answers.all()]}
        for q in d.questions.all()]} for d in domains]
    return render(request, "allocation/ras_points.html", {
        "authority": authority, "version": version, "form": form, "groups": groups})


@permission_required(PERM)
def ras_publish(request: HttpRequest, version_id: int) -> HttpResponse:
    """Publish a draft: a confirmation page saying what will happen, then publish."""
    authority, version = _version(request, version_id)
    if version.state != RasVersion.State.DRAFT:
        raise Http404("Only a draft can be published.")
    replaces = _replaces_today(version)
    errors: list[str] = []
    if request.method == "POST":
        try:
            _, job = services.ras_version_publish_with_job(
                actor=request.user, version=version,
                back_url=reverse("ras-version", kwargs={"version_id": version.pk}))
        except ValidationError as exc:
            errors = exc.messages
        else:
            text = f"{version.name} is live from {version.effective_from:%-d %B %Y}."
            if job is not None:
                messages.success(request, text + " The budgets are being worked out again: "
                                                 "this page shows how far it has got.")
                return redirect("job-detail", job_id=job.pk)
            messages.success(request, text)
            return redirect("ras-version", version_id=version.pk)
    counts = _counts(authority)
    return render(request, "allocation/ras_publish.html", {
        "authority": authority, "version": version, "replaces": replaces, "errors": errors,
        "price": format_pounds(version.price_per_point),
        "indicative": counts[IndicativeBudget.State.INDICATIVE],
        "agreed": counts[IndicativeBudget.State.AGREED]})


class RulesForm(GovukForm):
    scope = forms.SlugField(
        label="A short name for the people it is for", max_length=50,
        help_text='Lower-case letters, numbers and hyphens, like "everyone" or '
                  '"learning-disability". Versions with the same name replace each other.')
    client_groups = forms.MultipleChoiceField(
        label="Main client groups it applies to", required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked for every client group")
    minimum_age = forms.IntegerField(label="Youngest age", required=False, min_value=0,
                                     max_value=130, help_text="Leave empty for no lower limit")
    maximum_age = forms.IntegerField(label="Oldest age", required=False, min_value=0,
                                     max_value=130, help_text="Leave empty for no upper limit")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from selfdirect.people.models import ClientGroup

        super().__init__(*args, **kwargs)
        self.fields["client_groups"].choices = ClientGroup.choices  # type: ignore[attr-defined]
        apply_govuk_messages(self)
        self.fields["scope"].error_messages["invalid"] = (
            "Use only lower-case letters, numbers and hyphens, like learning-disability")
        for name in ("minimum_age", "maximum_age"):
            self.fields[name].widget.attrs.update({"class": "govuk-input--width-3",
                                                   "inputmode": "numeric"})
            label = str(self.fields[name].label)
            for code in ("invalid", "min_value", "max_value"):
                self.fields[name].error_messages[code] = (
                    f"{label} must be a whole number of years from 0 to 130")


@permission_required(PERM)
def ras_rules(request: HttpRequest, version_id: int) -> HttpResponse:
    """Which assessments a draft applies to: its scope, client groups and ages."""
    authority, version = _version(request, version_id)
    if version.state != RasVersion.State.DRAFT:
        raise Http404("Only a draft's rules can be changed.")
    form = RulesForm(request.POST or None, initial=services.version_rules(version))
    if request.method == "POST" and form.is_valid():
        try:
            services.ras_version_rules_set(actor=request.user, version=version,
                                           **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Saved: who the draft applies to.")
            return redirect("ras-version", version_id=version.pk)
    return render(request, "allocation/ras_rules.html", {
        "authority": authority, "version": version, "form": form})


BAND_ROWS = 6


class BandsForm(GovukForm):
    """Up to six bands, a row each: name, from and to (points), a set amount or a cap."""

    KINDS = [("amount", "A set amount"), ("cap", "A cap on points × price")]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(1, BAND_ROWS + 1):
            self.fields[f"band_{n}"] = forms.CharField(label=f"Band {n}: name", required=False,
                                                       max_length=50)
            self.fields[f"band_{n}_lower"] = forms.IntegerField(
                label=f"Band {n}: from (points)", required=False, min_value=0)
            self.fields[f"band_{n}_upper"] = forms.IntegerField(
                label=f"Band {n}: to (points)", required=False, min_value=0,
                help_text="Empty for no upper limit")
            self.fields[f"band_{n}_kind"] = forms.ChoiceField(
                label=f"Band {n}: what it gives", choices=self.KINDS, required=False,
                widget=forms.RadioSelect)
            self.fields[f"band_{n}_pounds"] = forms.CharField(
                label=f"Band {n}: amount a year", required=False, max_length=20)
            self.fields[f"band_{n}_pounds"].govuk_prefix = "£"  # type: ignore[attr-defined]
            for name in ("lower", "upper"):
                self.fields[f"band_{n}_{name}"].widget.attrs.update(
                    {"class": "govuk-input--width-4", "inputmode": "numeric"})
            self.fields[f"band_{n}_pounds"].widget.attrs.update(
                {"class": "govuk-input--width-10", "inputmode": "decimal"})
        apply_govuk_messages(self)
        for n in range(1, BAND_ROWS + 1):
            for name in ("lower", "upper"):
                self.fields[f"band_{n}_{name}"].error_messages["invalid"] = (
                    f"Band {n}: enter whole points, like 20")

    def clean(self) -> dict[str, Any]:
        """Check each named row here too, so every mistake shows at once."""
        data = super().clean() or {}
        for n in range(1, BAND_ROWS + 1):
            label = (data.get(f"band_{n}") or "").strip()
            if not label:
                continue
            if not data.get(f"band_{n}_kind"):
                self.add_error(f"band_{n}_kind", f"{label}: select a set amount or a cap")
            try:
                pence_from_pounds(data.get(f"band_{n}_pounds") or "")
            except (TypeError, ValueError) as exc:
                self.add_error(f"band_{n}_pounds", amount_message(
                    exc, f"{label}: the amount",
                    f"{label}: give the amount in pounds and pence, like 12000.00"))
        return data

    def rows(self) -> list[list[Any]]:
        return [[self[f"band_{n}{part}"] for part in ("", "_lower", "_upper", "_kind", "_pounds")]
                for n in range(1, BAND_ROWS + 1)]

    def bands(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        chosen = []
        for n in range(1, BAND_ROWS + 1):
            label = (data.get(f"band_{n}") or "").strip()
            if not label:
                continue
            kind = data.get(f"band_{n}_kind") or ""
            pounds = data.get(f"band_{n}_pounds") or ""
            chosen.append({"label": label, "lower": data.get(f"band_{n}_lower"),
                           "upper": data.get(f"band_{n}_upper"),
                           "amount": pounds if kind == "amount" else None,
                           "cap": pounds if kind == "cap" else None})
        return chosen


@permission_required(PERM)
def ras_bands(request: HttpRequest, version_id: int) -> HttpResponse:
    """A draft's optional bands: a band table or a cap per band (empty rows are ignored,
    and leaving every row empty removes the bands)."""
    authority, version = _version(request, version_id)
    if version.state != RasVersion.State.DRAFT:
        raise Http404("Only a draft's bands can be changed.")
    current = services.version_bands(version)
    initial: dict[str, Any] = {}
    for n, band in enumerate(current, start=1):
        initial.update({
            f"band_{n}": band["label"], f"band_{n}_lower": band["lower"],
            f"band_{n}_upper": band["upper"],
            f"band_{n}_kind": "amount" if band["amount"] is not None else "cap",
            f"band_{n}_pounds": str(pounds(band["amount"] if band["amount"] is not None
                                           else band["cap"]))})
    form = BandsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.ras_bands_set(actor=request.user, version=version,
                                           bands=form.bands())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Bands saved: {len(saved)}." if saved
                             else "The draft has no bands: every budget is points × price.")
            return redirect("ras-version", version_id=version.pk)
    return render(request, "allocation/ras_bands.html", {
        "authority": authority, "version": version, "form": form, "rows": form.rows()})


urlpatterns = [
    path("resource-allocation/<id:version_id>/rules/", ras_rules, name="ras-rules"),
    path("resource-allocation/<id:version_id>/bands/", ras_bands, name="ras-bands"),
    path("resource-allocation/", ras_versions, name="ras-versions"),
    path("resource-allocation/<id:version_id>/", ras_version, name="ras-version"),
    path("resource-allocation/<id:version_id>/price/", ras_price_change, name="ras-price-change"),
    path("resource-allocation/<id:version_id>/draft/", ras_draft, name="ras-draft"),
    path("resource-allocation/<id:version_id>/points/", ras_points, name="ras-points"),
    path("resource-allocation/<id:version_id>/publish/", ras_publish, name="ras-publish"),
]
