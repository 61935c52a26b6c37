"""What the dataprotection app holds about a person (the retention decisions about their
record), and, for now, what the accounts app holds: the person's own sign-in, their API
tokens and their uses, and their sign-in events.

The accounts part belongs in ``accounts/subject_access.py``; it is here while the
accounts app is being changed by other work (docs/dataprotection.md, "Not done yet").
"""

from django.contrib.auth import get_user_model
from django.db.models import CharField, F, Value
from django.db.models.functions import Cast, Coalesce, Concat, Now

from selfdirect.accounts.models import ApiToken, ApiTokenUse, SignInEvent
from selfdirect.dataprotection.models import RetentionAction
from selfdirect.dataprotection.registry import Part, Section, register

register(Section(
    key="account", order=90, heading="Your sign-in",
    intro="The account you use to see your own pages, if you have one: its details, its API "
          "tokens and when they were used, and lockouts and authenticator apps.",
    parts=(
        Part(get_user_model(), "Your account", person="person_record",
             fields=("id", "username", "first_name", "last_name", "preferred_name", "email",
                     "is_active", "last_login", "date_joined"),
             clear=("first_name", "last_name", "preferred_name"),
             replace={"username": lambda: Concat(Value("anonymised-"),
                                                 Cast("id", output_field=CharField())),
                      "password": lambda: Value("!anonymised"),
                      "is_active": lambda: Value(False)},
             activity="last_login", children=(
                 Part(ApiToken, "API tokens", parent="user", exclude=("digest",),
                      keep=("digest",),
                      replace={"revoked_at": lambda: Coalesce(F("revoked_at"), Now())},
                      children=(
                          Part(ApiTokenUse, "Each use of the token", parent="token",
                               activity="at"),
                      )),
                 Part(SignInEvent, "Lockouts, unlocks and authenticator apps",
                      parent="account"),
             )),
    )))

register(Section(
    key="dataprotection", order=99, heading="Keeping your record",
    intro="Decisions under the council's retention policy about your record.",
    parts=(
        Part(RetentionAction, "Retention decisions", person="person", anonymise=False),
    )))
