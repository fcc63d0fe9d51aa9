from django.core.exceptions import ValidationError


def refuse(problems: list[tuple[str, str]]) -> None:
    """Raise the rule functions' (field, message) refusals as one ValidationError."""
    if problems:
        errors: dict[str, list[str]] = {}
        for field, message in problems:
            errors.setdefault(field, []).append(message)
        raise ValidationError(errors)
