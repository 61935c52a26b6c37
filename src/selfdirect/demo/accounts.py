"""The demo sign-ins: one password for all, and what each login shows.

Demo data only. ``manage.py demo_load`` creates these accounts; never load it into a
database that holds real people's records.
"""

from __future__ import annotations

from dataclasses import dataclass

DEMO_PASSWORD = "sds-demo-2026"  # noqa: S105 - the published demo password, by design

EDINBURGH = "S12000036"
MANCHESTER = "E08000003"


@dataclass(frozen=True)
class DemoAuthority:
    prefix: str  # username prefix: "edinburgh" -> edinburgh.social_worker
    code: str
    name: str
    country: str
    teams: tuple[str, str]


AUTHORITIES: tuple[DemoAuthority, ...] = (
    DemoAuthority("edinburgh", EDINBURGH, "City of Edinburgh Council", "scotland",
                  ("North East Locality", "Hospital Discharge Team")),
    DemoAuthority("manchester", MANCHESTER, "Manchester City Council", "england",
                  ("Adults North", "Learning Disability Team")),
)


@dataclass(frozen=True)
class DemoStaff:
    username: str
    first_name: str
    last_name: str
    role: str
    authority_code: str
    team_index: int | None  # index into the authority's teams, for roles that have a team
    shows: str


# role -> what the login shows (the same in both authorities).
ROLE_SHOWS: dict[str, str] = {
    "social_worker": "their own caseload and their team's people; can add and change them",
    "team_manager": "every person in the authority; allocates people to teams and workers",
    "panel_member": "the resource allocation panel's work; no person records",
    "finance_officer": ("every person in the authority; financial assessments, contributions "
                        "and hardship waivers (the charging worklist), the budget envelope, "
                        "payment runs and the reconciliation"),
    "provider_user": ("a support provider's view: referrals sent to it and the hours it "
                      "delivered (Edinburgh's has a shortfall); no person records"),
    "commissioner": "commissioning and returns; no person records",
    "administrator": "the authority's settings and policy data; no person records",
    "data_protection": ("subject-access exports of the authority's people (each one logged) "
                        "and approving the anonymisation of records past the retention "
                        "period"),
}

_NAMES: dict[str, dict[str, tuple[str, str]]] = {
    "edinburgh": {
        "social_worker": ("Morag", "Fraser"), "social_worker2": ("Callum", "Reid"),
        "team_manager": ("Fiona", "Stewart"), "panel_member": ("Iain", "Robertson"),
        "finance_officer": ("Shona", "Murray"), "finance_officer2": ("Ross", "Campbell"),
        "provider_user": ("Kirsty", "Paterson"),
        "commissioner": ("Euan", "Hamilton"), "administrator": ("Alison", "Grant"),
        "data_protection": ("Catriona", "MacLeod"),
    },
    "manchester": {
        "social_worker": ("Priya", "Shah"), "social_worker2": ("Tom", "Bradley"),
        "team_manager": ("Hannah", "Walsh"), "panel_member": ("Daniel", "Okafor"),
        "finance_officer": ("Sarah", "Hughes"), "finance_officer2": ("Aisha", "Begum"),
        "provider_user": ("Kelly", "Nolan"),
        "commissioner": ("Imran", "Hussain"), "administrator": ("Joanne", "Kershaw"),
        "data_protection": ("Gareth", "Lloyd"),
    },
}


def demo_staff() -> list[DemoStaff]:
    """Every staff login: one per role per authority, a second social worker in each, and
    ``both.team_manager`` (team manager in both authorities: one entry per authority)."""
    staff: list[DemoStaff] = []
    for authority in AUTHORITIES:
        names = _NAMES[authority.prefix]
        for role, shows in ROLE_SHOWS.items():
            team = 0 if role in ("social_worker", "team_manager") else None
            first, last = names[role]
            staff.append(DemoStaff(f"{authority.prefix}.{role}", first, last, role,
                                   authority.code, team, shows))
        first, last = names["social_worker2"]
        staff.append(DemoStaff(f"{authority.prefix}.social_worker2", first, last,
                               "social_worker", authority.code, 1,
                               ROLE_SHOWS["social_worker"] + f" ({authority.teams[1]})"))
        first, last = names["finance_officer2"]
        staff.append(DemoStaff(f"{authority.prefix}.finance_officer2", first, last,
                               "finance_officer", authority.code, None,
                               "a second finance officer: approves the payment runs the "
                               "first one prepares"))
    for authority in AUTHORITIES:
        staff.append(DemoStaff("both.team_manager", "Jordan", "Ellis", "team_manager",
                               authority.code, 0, "team manager in both authorities: "
                               "switches between Edinburgh and Manchester"))
    return staff


# Portal (non-staff) logins: username -> what the login shows.
PORTAL_LOGINS: dict[str, str] = {
    "edinburgh.person": "a supported person's own record, in the portal",
    "edinburgh.carer": "an unpaid carer: sees the cared-for person's record (access view, "
                       "with the person's consent)",
    "edinburgh.attorney": "a welfare attorney: sees and acts for the person (legal power, "
                          "no consent needed)",
    "edinburgh.advocate": "an advocate whose consent was withdrawn: sees nothing",
}
SUPERUSER = "admin"


def demo_logins() -> list[tuple[str, str]]:
    """(username, what it shows) for every demo login, for printing."""
    by_name = {a.code: a.name for a in AUTHORITIES}
    logins: list[tuple[str, str]] = []
    seen: set[str] = set()
    for member in demo_staff():
        if member.username in seen:
            continue
        seen.add(member.username)
        if member.username == "both.team_manager":
            logins.append((member.username, member.shows))
            continue
        role = member.role.replace("_", " ").capitalize()
        logins.append((member.username,
                       f"{role}, {by_name[member.authority_code]}: {member.shows}"))
    logins.extend(PORTAL_LOGINS.items())
    return logins
