"""The case-note guide: a template per note type, and the checks that warn.

Warnings never block saving: they help the planner write the note the guide asks for
(third person, no acronyms, the required content of each note type).
"""

import re
from dataclasses import dataclass, field

from casenotes.models import NoteType


@dataclass(frozen=True)
class NoteTemplate:
    subject: str
    required: list[str] = field(default_factory=list)
    prompt: str = ""

    @property
    def body(self) -> str:
        lines = [f"{label}: " for label in self.required]
        if self.prompt:
            lines.append(self.prompt)
        return "\n".join(lines)


_WHO_WHAT = "Who, what, where, when, why and how; next steps."

TEMPLATES: dict[str, NoteTemplate] = {
    NoteType.GENERAL: NoteTemplate("", [], _WHO_WHAT),
    NoteType.INITIAL: NoteTemplate(
        "Initial Contact/Introduction",
        ["Referred by", "Services discussed", "Veteran status checked", "Next steps"],
    ),
    NoteType.ASSESSMENT: NoteTemplate(
        "Service Strategy/Assessment",
        ["Assessment given", "Results", "How the results shape the plan", "Next steps"],
    ),
    NoteType.IEP: NoteTemplate(
        "Service Strategy/Individual Employment Plan",
        ["Employment goal", "Objectives", "Services planned", "Customer agreement", "Next review"],
    ),
    NoteType.TRAINING_BEGIN: NoteTemplate(
        "Enter customer into Training Activity",
        ["Start date", "Training program", "Provider", "Cost", "Planned end date"],
    ),
    NoteType.TRAINING_END: NoteTemplate(
        "Exit customer from Training Activity", ["End date", "Completed", "Credential earned"]
    ),
    NoteType.SUPPORTIVE: NoteTemplate(
        "Service Strategy/Supportive Service",
        ["Barrier", "Community organizations contacted", "Service provided", "Service it supports"],
    ),
    NoteType.JOB_DEVELOPMENT: NoteTemplate(
        "Service Strategy/Job Development",
        ["Employers contacted", "How contacted", "Why these employers", "Result"],
    ),
    NoteType.VETERAN: NoteTemplate(
        "Veteran Services",
        ["Service provided", "Depth of service", "Referral to veteran representative"],
    ),
    NoteType.EXIT: NoteTemplate(
        "Program Exit",
        ["Employment status", "Employer", "Hire date", "Hours per week", "Hourly wage"],
    ),
    NoteType.FOLLOW_UP: NoteTemplate(
        "Follow-Up", ["Contact made", "Employment status", "Help needed", "Next follow-up"]
    ),
    NoteType.ADDENDUM: NoteTemplate("Addendum", [], "What is corrected or added, and why."),
}

# Nine digits as 123-45-6789, 123 45 6789 or 123456789; not a phone number (3-3-4).
_SSN_SHAPED = re.compile(r"(?<![\d-])(\d{3})([- ]?)(\d{2})\2(\d{4})(?![\d-])")


def ssn_shaped(body: str) -> list[str]:
    """The SSN-shaped numbers in a text, masked to their last 4 digits."""
    return [f"XXX-XX-{m.group(4)}" for m in _SSN_SHAPED.finditer(body)]


def ssn_masked(body: str) -> str:
    """The text with every SSN-shaped number reduced to its last 4 digits."""
    return _SSN_SHAPED.sub(lambda m: f"XXX-XX-{m.group(4)}", body)


_FIRST_PERSON = re.compile(r"\b(I|I'm|I've|I'll|I'd)\b")


def template_for(note_type: str) -> NoteTemplate:
    return TEMPLATES.get(note_type, TEMPLATES[NoteType.GENERAL])


def _label_line(label: str) -> re.Pattern[str]:
    return re.compile(rf"^\s*{re.escape(label)}\s*:\s*$", re.IGNORECASE)


_EVERY_LABEL = sorted({label for t in TEMPLATES.values() for label in t.required})
_EVERY_PROMPT = {t.prompt.strip() for t in TEMPLATES.values() if t.prompt}


def template_leftovers(body: str, note_type: str) -> tuple[str, list[str]]:
    """What the planner wrote, without the template's prompts; and the parts the note
    type requires that still show only their prompt.

    A template puts "Label: " lines and a prompt into the body. A label line left empty,
    or the prompt left as it was, is the template's text, not the planner's: it is not
    saved. The required parts left empty are named, so the note can be refused.
    """
    required = template_for(note_type).required
    kept, unfilled = [], []
    for line in body.replace("\r\n", "\n").split("\n"):
        label = next((lb for lb in _EVERY_LABEL if _label_line(lb).match(line)), None)
        if label is not None:
            if label in required and label not in unfilled:
                unfilled.append(label)
            continue
        if line.strip() in _EVERY_PROMPT:
            continue
        kept.append(line)
    ordered = [label for label in required if label in unfilled]
    return "\n".join(kept).strip(), ordered


def note_warnings(*, body: str, note_type: str, acronyms: dict[str, str]) -> list[str]:
    """What the case-note guide would point out in this body. Never blocks saving."""
    warnings: list[str] = []
    first_person = _FIRST_PERSON.findall(body)
    if first_person:
        warnings.append(
            f'Write in the third person ("Career planner called ..."), not "I" '
            f"(found {len(first_person)} time{'s' if len(first_person) != 1 else ''})."
        )
    found = [a for a in acronyms if re.search(rf"(?<![\w/]){re.escape(a)}(?![\w/])", body)]
    if found:
        spelled = "; ".join(f"{a}: {acronyms[a]}" for a in found)
        warnings.append(f"Spell out acronyms: {spelled}.")
    template = template_for(note_type)
    missing = [
        label
        for label in template.required
        if not re.search(rf"^\s*{re.escape(label)}\s*:[ \t]*\S", body, re.MULTILINE | re.IGNORECASE)
    ]
    if missing:
        kind = NoteType(note_type).label.lower() if note_type in NoteType.values else "this"
        warnings.append(f"A {kind} note should give: {', '.join(missing)}.")
    return warnings
