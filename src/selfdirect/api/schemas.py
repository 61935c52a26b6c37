from __future__ import annotations

import datetime

from ninja import Field, Schema

from selfdirect.api.inputs import InSchema, PatchSchema
from selfdirect.assessments.models import (
    Contribution,
    Conversation,
    EligibilityArea,
    EligibilityDecision,
    Referral,
)
from selfdirect.outcomes.models import PersonalOutcome
from selfdirect.people.models import Person


class AuthorityOut(Schema):
    id: int
    name: str
    code: str
    country: str


class RoleOut(Schema):
    authority: str
    authority_code: str
    role: str


class MeOut(Schema):
    id: int
    username: str
    name: str
    roles: list[RoleOut]
    people_in_own_portal: list[int]


class NeedOut(Schema):
    kind: str
    label: str
    detail: str


class PersonOut(Schema):
    id: int
    authority_code: str
    given_name: str
    family_name: str
    preferred_name: str
    pronouns: str
    date_of_birth: datetime.date
    chi_number: str
    nhs_number: str
    address_line_1: str
    address_line_2: str
    town: str
    postcode: str
    phone: str
    email: str
    contact_preference: str
    client_group: str
    team: str | None
    allocated_worker: str | None
    communication_needs: list[NeedOut]


class PersonSummaryOut(Schema):
    """What a search result shows: enough to tell people apart, not the record itself.
    Opening the record (GET /api/people/{id}) is what the access log records."""

    id: int
    authority_code: str
    given_name: str
    family_name: str
    preferred_name: str
    date_of_birth: datetime.date
    identifier: str
    postcode: str
    allocated_worker: str | None


class PersonPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[PersonSummaryOut]


class PersonIn(InSchema):
    limits_from = (Person,)
    max_lengths = {"chi_number": 13, "nhs_number": 13, "postcode": 10}  # spaces, as typed

    authority_code: str | None = Field(
        None, description="Required when you work in more than one authority.")
    given_name: str
    family_name: str
    preferred_name: str = ""
    pronouns: str = ""
    date_of_birth: datetime.date
    chi_number: str = ""
    nhs_number: str = ""
    address_line_1: str = ""
    address_line_2: str = ""
    town: str = ""
    postcode: str = ""
    phone: str = ""
    email: str = ""
    contact_preference: str = ""
    client_group: str = "not_known"
    notes: str = ""


class PersonPatch(PatchSchema):
    limits_from = (Person,)
    max_lengths = {"chi_number": 13, "nhs_number": 13, "postcode": 10}  # spaces, as typed

    given_name: str | None = None
    family_name: str | None = None
    preferred_name: str | None = None
    pronouns: str | None = None
    date_of_birth: datetime.date | None = None
    chi_number: str | None = None
    nhs_number: str | None = None
    address_line_1: str | None = None
    address_line_2: str | None = None
    town: str | None = None
    postcode: str | None = None
    phone: str | None = None
    email: str | None = None
    contact_preference: str | None = None
    client_group: str | None = None
    notes: str | None = None


class ErrorOut(Schema):
    """Every refusal (api.errors): what went wrong, and the messages for each field."""

    detail: str
    errors: dict[str, list[str]] = {}


class ReferralIn(InSchema):
    limits_from = (Referral,)

    source: str
    reason: str
    urgency: str = "routine"
    received_on: datetime.date | None = None
    referrer_name: str = ""
    referrer_contact: str = ""


class ReferralOut(Schema):
    id: int
    person_id: int
    source: str
    reason: str
    urgency: str
    received_on: datetime.date
    state: str


class EligibilityAreaOut(Schema):
    area: str
    band: str
    reason: str


class EligibilityOut(Schema):
    decided_on: datetime.date
    overall_band: str
    threshold_band: str
    eligible: bool
    reasons: str
    next_steps: str
    signposting: str
    challenge_route: str
    areas: list[EligibilityAreaOut]


class AssessmentSummaryOut(Schema):
    id: int
    state: str
    started_on: datetime.date
    completed_on: datetime.date | None
    worker: str


class OutcomeOut(Schema):
    id: int
    in_own_words: str
    category: str | None
    national_outcomes: list[str]
    better_looks_like: str
    measure: str
    priority: int
    proposed_by: str
    state: str


class ConversationOut(Schema):
    id: int
    when: datetime.datetime
    mode: str
    state: str
    adjustments: str


class ContributionOut(Schema):
    contributor_name: str
    contributor_role: str
    content: str
    worker_only: bool


class AssessmentOut(AssessmentSummaryOut):
    person_id: int
    areas_discussed: str
    strengths: str
    networks: str
    person_view: str
    outcomes: list[OutcomeOut]
    conversations: list[ConversationOut]
    contributions: list[ContributionOut]
    eligibility: list[EligibilityOut]


class WaitingRowOut(Schema):
    person_id: int
    name: str
    stage: str
    since: datetime.date
    days: int
    band: str | None
    target_days: int | None
    past_target: bool


# --- Changing an assessment ---------------------------------------------------------------


class AssessmentStartIn(InSchema):
    referral_id: int | None = Field(
        default=None, description="One of the person's referrals; by default the oldest open one.")
    started_on: datetime.date | None = None


class OutcomeIn(InSchema):
    limits_from = (PersonalOutcome,)

    in_own_words: str
    category: str | None = Field(None, description="The code of an outcome category.")
    national_outcomes: list[str] = Field(
        [], description="Codes of the national outcomes it serves.")
    better_looks_like: str = ""
    measure: str = ""
    priority: int = 2
    proposed_by: str = "person"


class ConversationIn(InSchema):
    limits_from = (Conversation,)

    when: datetime.datetime
    mode: str
    location: str = ""
    participants: str = ""
    adjustments: str = ""
    needs_acknowledged: bool = Field(
        False, description="Required (true) when the person has communication needs.")


class ConversationRecordIn(InSchema):
    limits_from = (Conversation,)

    participants: str
    notes: str


class ContributionIn(InSchema):
    limits_from = (Contribution,)

    contributor_name: str
    contributor_role: str
    content: str
    worker_only: bool = False


class EligibilityAreaIn(InSchema):
    limits_from = (EligibilityArea,)

    area: str
    band: str
    reason: str


class EligibilityIn(InSchema):
    limits_from = (EligibilityDecision,)

    areas: list[EligibilityAreaIn]
    reasons: str
    next_steps: str
    signposting: str = ""
    challenge_route: str | None = Field(
        None, description="How to challenge the decision; by default the standard wording.")
    decided_on: datetime.date | None = None


# --- Carers ---------------------------------------------------------------------------------


class CarerEligibilityAreaOut(Schema):
    area: str
    level: str
    reason: str


class CarerEligibilityOut(Schema):
    decided_on: datetime.date
    overall_level: str
    threshold_level: str
    eligible: bool
    reasons: str
    signposting: str
    challenge_route: str
    areas: list[CarerEligibilityAreaOut]


class CarerPlanOut(Schema):
    id: int
    carer_id: int
    cared_for_id: int
    state: str
    first_conversation_on: datetime.date | None
    circumstances: str
    nature_and_extent: str
    impact: str
    willingness_and_ability: str
    emergency_arrangements: str
    future_arrangements: str
    identified_needs: str
    local_support: str
    support_where_carer_lives: str
    support_to_be_provided: str
    short_break: str
    short_break_details: str
    review_arrangements: str
    agreed_on: datetime.date | None
    outcomes: list[OutcomeOut]
    latest_eligibility: CarerEligibilityOut | None
