"""What the assessments app holds about a person (``selfdirect.dataprotection.registry``)."""

from selfdirect.assessments.models import (
    Assessment,
    AssessmentComment,
    Contribution,
    Conversation,
    EligibilityArea,
    EligibilityDecision,
    Referral,
    Risk,
    SelfAssessment,
    SelfReferral,
)
from selfdirect.dataprotection.registry import Part, Section, register

register(Section(
    key="assessments", order=20, heading="Referrals, assessments and eligibility",
    parts=(
        Part(Referral, "Referrals", person="person", clear=("referrer_contact",), children=(
            Part(SelfReferral, "Asked for on the council's website", parent="referral",
                 clear=("contact",), year_only=("date_of_birth",)),
        )),
        Part(SelfAssessment, "Your self-assessments", person="person"),
        Part(Assessment, "Assessments", person="person", children=(
            Part(Conversation, "Conversations", parent="assessment"),
            Part(Contribution, "What others said", parent="assessment",
                 note="Given by family members or professionals with your consent. The "
                      "council checks what they said before sending you a copy."),
            Part(Risk, "Risks and how they are shared", parent="assessment"),
            Part(EligibilityDecision, "Eligibility decisions", parent="assessment", children=(
                Part(EligibilityArea, "Each area of life", parent="decision"),
            )),
            Part(AssessmentComment, "Your comments on the assessment", parent="assessment"),
        )),
    )))
