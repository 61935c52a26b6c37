"""Who opened a person's record (``selfdirect.dataprotection.registry``). The access log is
append-only: anonymisation leaves it as it is (docs/dataprotection.md)."""

from selfdirect.audit.models import AccessLog
from selfdirect.dataprotection.registry import Part, Section, register

register(Section(
    key="access", order=95, heading="Who has opened your record",
    intro="Every time someone opened your record, and every time someone was refused.",
    parts=(
        Part(AccessLog, "Openings of your record", person="person_id", anonymise=False,
             history=False, no_history_reason="The access log is never changed."),
    )))
