"""The printed customer copy of a plan version: `print/plan.html` rendered by WeasyPrint.

The copy prints `PlanVersion.content` (the snapshot made by `plans.services.plan_snapshot`),
never the live plan, so a reprint of a signed version is what the customer signed.

Print templates fetch nothing: the stylesheet is a `<style>` element in the template,
fonts are the system's DejaVu, and the URL fetcher refuses every URL, so text a user
typed can never make the server request a URL (WeasyPrint follows redirects to any host).
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from casemgmt.clock import today
from plans.models import PlanVersion

TEMPLATE = "print/plan.html"
AGREEMENT = (
    "I helped develop this plan and agree to it. I understand that it may change as my needs "
    "and goals change, that my career planner will review it with me, and that I will be asked "
    "to agree again when a goal, my employment goal or my supportive services change. "
    "I have received a copy of this plan."
)


class URLRefusedError(ValueError):
    """A print document asked for a URL; print documents fetch nothing."""


def refuse_all_urls(url: str) -> None:
    """The fetch policy of every printed document: no URL is ever fetched."""
    raise URLRefusedError(f"Print documents fetch nothing; refused {url[:200]!r}.")


class RefusingURLFetcher(URLFetcher):
    """WeasyPrint 70 wants a URLFetcher instance (it reads private attributes of the
    fetcher when a fetch fails), so the policy is wrapped in a subclass whose `fetch`
    never opens anything. A refused resource is left out with a warning in the log."""

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> None:  # type: ignore[override]
        refuse_all_urls(url)


def html_to_pdf(html: str) -> bytes:
    """Render print HTML to PDF bytes, with no base URL and no fetching."""
    return HTML(string=html, base_url=None, url_fetcher=RefusingURLFetcher()).write_pdf()


# --- Formatting: content holds ISO dates and decimal strings -----------------------------


def format_date(value: object) -> str:
    """'2026-11-03' (or a date) as '11/03/2026'; empty for None or ''."""
    if not value:
        return ""
    if isinstance(value, datetime.date):
        return f"{value:%m/%d/%Y}"
    try:
        return f"{datetime.date.fromisoformat(str(value)):%m/%d/%Y}"
    except ValueError:
        return str(value)


def _decimal(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def format_hours(value: object) -> str:
    """'10.00' as '10', '7.50' as '7.5'."""
    number = _decimal(value)
    if number is None:
        return ""
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_money(value: object) -> str:
    """'1250.00' as '$1,250.00'."""
    number = _decimal(value)
    if number is None:
        return ""
    return f"${number:,.2f}"


def line(value: object) -> str:
    """One line of text, its runs of white space made single spaces."""
    return " ".join(str(value or "").split())


def lines(value: object) -> str:
    """Text whose line breaks print (white-space: pre-line): each line tidied, blank runs
    kept to one blank line. WeasyPrint 70 sometimes breaks a line at the wrong place
    after collapsed white space, so the template is given none to collapse."""
    kept: list[str] = []
    for raw in str(value or "").splitlines():
        text = line(raw)
        if text or (kept and kept[-1]):
            kept.append(text)
    return "\n".join(kept).strip()


def _step_view(step: dict, goal_statement: str) -> dict[str, object]:
    return {
        "activity": line(step.get("activity")),
        "description": line(step.get("description")),
        "status": step.get("status", ""),
        "start_on": format_date(step.get("start_on")),
        "due_on": format_date(step.get("due_on")),
        "hours": format_hours(step.get("hours")),
        "provider": line(step.get("provider")),
        "dollar_value": format_money(step.get("dollar_value")),
        "barriers": list(step.get("barriers") or []),
        "supportive": bool(step.get("supportive")),
        "goal": goal_statement,
    }


def plan_document(content: dict) -> dict[str, object]:
    """The content snapshot shaped for the template: dates as MM/DD/YYYY, money as $,
    goals numbered, and the supportive steps gathered for their own section."""
    goals = []
    for number, goal in enumerate(content.get("goals") or [], start=1):
        statement = line(goal.get("statement"))
        goals.append(
            {
                "number": number,
                "statement": statement,
                "category": goal.get("category", ""),
                "term": goal.get("term", ""),
                "status": goal.get("status", ""),
                "indicator": goal.get("indicator", ""),
                "justification": lines(goal.get("justification")),
                "start_on": format_date(goal.get("start_on")),
                "due_on": format_date(goal.get("due_on")),
                "steps": [_step_view(s, statement) for s in goal.get("steps") or []],
            }
        )
    customer = content.get("customer") or {}
    return {
        "kind": content.get("kind") or "Individual Employment Plan (IEP)",
        "short_name": content.get("short_name") or "IEP",
        "office": content.get("office") or {},
        "customer": {
            "name": line(customer.get("name")),
            "number": customer.get("number", ""),
            "programs": ", ".join(customer.get("programs") or []),
        },
        "career_planner": line(content.get("career_planner")),
        "developed_on": format_date(content.get("developed_on")),
        "employment_goal": line(content.get("employment_goal")),
        "career_path": line(content.get("career_path")),
        "assessment_summary": lines(content.get("assessment_summary")),
        "assessments": [
            {
                "type": line(a.get("type")),
                "assessed_on": format_date(a.get("assessed_on")),
                "scores": line(a.get("scores")),
            }
            for a in content.get("assessments") or []
        ],
        "strengths": lines(content.get("strengths")),
        "justification": lines(content.get("justification")),
        "barriers": list(content.get("barriers") or []),
        "supportive_services": lines(content.get("supportive_services")),
        "goals": goals,
        "supportive_steps": [s for g in goals for s in g["steps"] if s["supportive"]],
    }


def render_plan_html(version: PlanVersion, *, printed_on: datetime.date | None = None) -> str:
    if printed_on is None:
        printed_on = today(version.customer.office.time_zone)
    content = version.content or {}
    return render_to_string(
        TEMPLATE,
        {
            "content": content,
            "doc": plan_document(content),
            "agreement": AGREEMENT,
            "version": version,
            "signed_on": format_date(version.signed_on),
            "printed_on": printed_on,
            "printed_on_text": format_date(printed_on),
        },
    )


def render_plan_pdf(version: PlanVersion) -> bytes:
    """The customer copy of one plan version as PDF bytes."""
    return html_to_pdf(render_plan_html(version))
