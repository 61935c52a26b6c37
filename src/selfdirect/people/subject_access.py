"""What the people app holds about a person, for the subject-access export and the
retention policy (``selfdirect.dataprotection.registry``)."""

from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat

from selfdirect.dataprotection.registry import Part, Section, register
from selfdirect.people.models import (
    CommunicationNeed,
    Consent,
    EqualityInfo,
    Person,
    Preferences,
    Relationship,
)

register(Section(
    key="people", order=10, heading="Your details",
    intro="Your name, contact details and what matters to you about how support is given.",
    parts=(
        Part(Person, "Your record", person="pk",
             replace={"given_name": lambda: Value("Anonymised"),
                      "family_name": lambda: Concat(Value("person "),
                                                    Cast("id", output_field=CharField()))},
             clear=("preferred_name", "pronouns", "address_line_1", "address_line_2", "town",
                    "user"),
             year_only=("date_of_birth",), activity="updated_at"),
        Part(CommunicationNeed, "Communication and access needs", person="person"),
        Part(Preferences, "Preferences about your support", person="person",
             clear=("carer_gender",)),
        Part(EqualityInfo, "Equality information you gave", person="person",
             clear=("disability", "sex", "trans", "sexual_orientation", "religion",
                    "ethnic_group", "partnership", "pregnancy_maternity")),
        Part(Relationship, "People who support you or act for you", person="person",
             clear=("user",)),
        Part(Consent, "Your consent decisions", person="person"),
    )))
