"""Quality checks an outcome must pass before it can be agreed.

Each check returns a plain-English reason when it fails, so the page can say which check
fails and why. The checks are deliberately simple and visible: people who use SDS report
outcomes "played back as a vague list"; these checks stop the commonest failures, not
every one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# Phrases that, on their own, say nothing about this person's life. An outcome that is
# mostly one of these, with few words of its own, is too vague to act on.
VAGUE_PHRASES = (
    "to be safe", "stay safe", "keep safe", "to be happy", "be happy", "stay well",
    "to stay well", "be well", "improve wellbeing", "improved wellbeing", "wellbeing",
    "maintain independence", "remain independent", "be independent", "independence",
    "social inclusion", "reduce isolation", "to have a good life", "good quality of life",
    "quality of life", "meet needs", "meet my needs", "needs met", "support needs",
    "personal care", "to be supported", "get support", "more support", "help",
)
# How many words of its own an outcome needs beyond a vague phrase.
MIN_SPECIFIC_WORDS = 4
_STOP_WORDS = frozenset(["i", "to", "be", "a", "an", "the", "and", "or", "my", "me", "of", "in", "on", "at", "for", "with", "would", "like", "want", "more", "get", "have", "is", "it", "so", "that", "this"])


@dataclass(frozen=True)
class QualityIssue:
    check: str
    field: str
    message: str


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def is_vague(text: str) -> bool:
    """True when the words, less any vague stock phrase, leave too little of the person's own."""
    lowered = " ".join(_words(text))
    for phrase in sorted(VAGUE_PHRASES, key=len, reverse=True):
        lowered = lowered.replace(phrase, " ")
    own = [w for w in lowered.split() if w not in _STOP_WORDS]
    return len(own) < MIN_SPECIFIC_WORDS


def check_measure(outcome: Any) -> QualityIssue | None:
    if not (outcome.measure or "").strip():
        return QualityIssue("measure", "measure",
                            "Add how you will both know: an indicator or measure both sides can "
                            "check, for example \"goes to the lunch club twice a week\"")
    return None


def check_specific(outcome: Any) -> QualityIssue | None:
    if is_vague(outcome.in_own_words or ""):
        return QualityIssue("specific", "in_own_words",
                            "Say what it means for this person, in their words: this outcome is "
                            "a general phrase without specifics (for example, not \"stay "
                            "independent\" but \"make my own breakfast again\")")
    return None


def check_better(outcome: Any) -> QualityIssue | None:
    if not (outcome.better_looks_like or "").strip():
        return QualityIssue("better", "better_looks_like",
                            'Add what "better" would look like for the person')
    return None


def check_category(outcome: Any) -> QualityIssue | None:
    if outcome.category_id is None:
        return QualityIssue("category", "category",
                            "Choose the outcome category it belongs to")
    return None


# Checks added by later stages of the journey (the support plan adds "has support
# linked" once plans exist). Each takes the outcome and returns an issue or None.
EXTRA_CHECKS: list[Callable[[Any], QualityIssue | None]] = []

CHECKS: tuple[Callable[[Any], QualityIssue | None], ...] = (
    check_specific, check_better, check_measure, check_category)


def outcome_quality_issues(outcome: Any) -> list[QualityIssue]:
    """Every check the outcome fails, in the order the page shows them."""
    issues = []
    for check in (*CHECKS, *EXTRA_CHECKS):
        issue = check(outcome)
        if issue is not None:
            issues.append(issue)
    return issues
