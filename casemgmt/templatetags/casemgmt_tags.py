from django import template

register = template.Library()


@register.filter
def phone(digits: str) -> str:
    """Ten stored digits shown as (217) 555-0143; anything else as stored."""
    if digits and len(digits) == 10 and digits.isdigit():
        return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
    return digits or ""
