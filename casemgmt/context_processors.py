from django.http import HttpRequest

from casemgmt.roles import ROLES


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    names = {g.name for g in user.groups.all()}
    return {"user_roles": [role for role in ROLES if role in names]}
