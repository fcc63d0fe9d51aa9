"""Request and response rules that hold for every page."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class NoStoreMiddleware:
    """Nothing the app answers is kept by a browser or a proxy: job centres share
    computers, and the next person at one must not find a customer in its cache or its
    Back button. A view that says how its answer may be cached keeps its own word.

    Static files never reach this: whitenoise, above it, answers them as cacheable.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "private, no-store"
        return response
