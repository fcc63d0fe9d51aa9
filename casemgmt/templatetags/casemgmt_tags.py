import uuid

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def phone(digits: str) -> str:
    """Ten stored digits shown as (217) 555-0143; anything else as stored."""
    if digits and len(digits) == 10 and digits.isdigit():
        return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
    return digits or ""


@register.simple_tag
def submission_token() -> str:
    """A hidden one-time token for a hand-written create form (see casemgmt.once)."""
    return format_html('<input type="hidden" name="submission_token" value="{}">', uuid.uuid4())
