"""Local authorities (the tenants), their teams and the roles staff hold in them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class Country(models.TextChoices):
    SCOTLAND = "scotland", "Scotland"
    ENGLAND = "england", "England"


class Authority(models.Model):
    """A local authority (council) or health and social care partnership."""

    name = models.CharField(max_length=150, unique=True)
    code = models.CharField(
        max_length=9, unique=True,
        help_text="The official GSS code, e.g. S12000036 for the City of Edinburgh.")
    country = models.CharField(max_length=10, choices=Country.choices,
                               help_text="Selects the default policy set and identifiers.")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "authorities"

    def __str__(self) -> str:
        return self.name

    @property
    def person_identifier_label(self) -> str:
        return "CHI number" if self.country == Country.SCOTLAND else "NHS number"


class Team(models.Model):
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=150)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["authority", "name"],
                                               name="team_name_unique_in_authority")]

    def __str__(self) -> str:
        return f"{self.name} ({self.authority.name})"


class Role(models.TextChoices):
    SOCIAL_WORKER = "social_worker", "Social worker"
    TEAM_MANAGER = "team_manager", "Team manager"
    PANEL_MEMBER = "panel_member", "Resource allocation panel member"
    FINANCE_OFFICER = "finance_officer", "Finance officer"
    PROVIDER_USER = "provider_user", "Provider user"
    COMMISSIONER = "commissioner", "Commissioner or analyst"
    ADMINISTRATOR = "administrator", "Administrator"
    DATA_PROTECTION = "data_protection", "Data protection officer"


class StaffRole(models.Model):
    """One role a user holds in one authority. A user may hold several, in several authorities."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="staff_roles")
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="staff_roles")
    role = models.CharField(max_length=20, choices=Role.choices)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="staff_roles")
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "authority", "role"],
                                    name="staff_role_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.authority}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.team is not None and self.team.authority_id != self.authority_id:
            raise ValidationError({"team": "Choose a team in the same authority as the role."})


class PolicyKind(models.TextChoices):
    MONEY = "money", "Money (pounds and pence)"
    PERCENT = "percent", "Percentage"
    DECIMAL = "decimal", "Number"
    INTEGER = "integer", "Whole number"
    CHOICE = "choice", "One of a list"


class PolicyFigure(models.Model):
    """One value of a policy figure, in force from ``effective_from``.

    ``authority`` empty means the national default for ``country``. Values are stored as
    canonical text: money as whole pence, percentages and numbers as exact decimals, so
    nothing passes through float. See ``authorities.policy``.
    """

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="policy_figures")
    country = models.CharField(max_length=10, choices=Country.choices)
    key = models.CharField(max_length=80)
    kind = models.CharField(max_length=10, choices=PolicyKind.choices)
    value = models.CharField(max_length=50)
    effective_from = models.DateField("applies from")
    source = models.CharField(max_length=300, blank=True,
                              help_text="Where the figure comes from: a guidance document, a decision")
    reason = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["key", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["country", "key", "effective_from"],
                                    condition=models.Q(authority__isnull=True),
                                    name="policy_default_once_per_date"),
            models.UniqueConstraint(fields=["authority", "key", "effective_from"],
                                    condition=models.Q(authority__isnull=False),
                                    name="policy_local_once_per_date"),
        ]
        indexes = [models.Index(fields=["key", "country", "effective_from"])]

    def __str__(self) -> str:
        whose = self.authority.name if self.authority is not None else f"{self.get_country_display()} default"
        return f"{self.key} = {self.value} from {self.effective_from} ({whose})"

    @property
    def display_value(self) -> str:
        from selfdirect.authorities.policy import display

        return display(self.kind, self.value)
