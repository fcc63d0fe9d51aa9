"""The sign-in forms: the staff's and the administration site's."""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator


class _UserNameBounded:
    """Refuses a user name no account can have, with a message, before asking anyone
    whether it is right: AuthenticationForm sets the field's max_length after the field
    is built, so the length was never checked, and a 10,000-character name reached the
    table of failed sign-ins and failed there (a 500). NUL bytes are refused by the field."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        field = self.fields["username"]  # type: ignore[attr-defined]
        field.validators.append(MaxLengthValidator(field.max_length))


class SignInForm(_UserNameBounded, AuthenticationForm):
    pass


class AdminSignInForm(_UserNameBounded, AdminAuthenticationForm):
    pass
