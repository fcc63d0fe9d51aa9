from django.http import HttpRequest

from casemgmt.acting import acting_role, roles_of


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"user_roles": roles_of(user), "acting_role": acting_role(request)}
