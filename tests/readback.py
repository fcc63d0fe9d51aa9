"""Read a saved record back from the database and compare it field by field.

Every form test that saves uses `assert_saved`: what the screen said was saved must be
what the database holds. Many-to-many fields compare as sets of primary keys; foreign
keys compare by primary key; everything is read fresh, never from the instance the
code under test held.
"""

from collections.abc import Iterable
from typing import Any

from django.db import models


def _comparable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, models.QuerySet):
        return {item.pk for item in value}
    if isinstance(value, (set, frozenset)):
        return {_comparable(v) for v in value}
    return value


def assert_saved(model: type[models.Model], pk: Any, **expected: Any) -> models.Model:
    """Fetch the row anew and assert every named field holds the expected value."""
    record = model._default_manager.get(pk=pk)
    mismatches = []
    for name, want in expected.items():
        field = model._meta.get_field(name)
        if field.many_to_many:
            got: Any = set(getattr(record, name).values_list("pk", flat=True))
            want = {_comparable(v) for v in (want if isinstance(want, Iterable) else [want])}
        elif field.is_relation:
            got = getattr(record, field.attname)
            want = _comparable(want)
        else:
            got = getattr(record, name)
            want = _comparable(want)
        if got != want:
            mismatches.append(f"{name}: stored {got!r}, expected {want!r}")
    assert not mismatches, f"{model.__name__} {pk} was not saved as entered: " + "; ".join(
        mismatches
    )
    return record


def form_page_fields(html: str) -> dict[str, str]:
    """The hidden inputs a page's form carries (one-time token, version), by name."""
    import re

    fields = {}
    for tag in re.findall(r"<input[^>]*type=\"hidden\"[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and name.group(1) != "csrfmiddlewaretoken":
            fields[name.group(1)] = value.group(1) if value else ""
    return fields


def submit(client: Any, url: str, data: dict[str, Any], *, follow: bool = False) -> Any:
    """Open the form page as a browser would, then post `data` with the hidden fields the
    page carried (one-time token, version). `data` wins where both name a field."""
    page = client.get(url)
    assert page.status_code == 200, f"GET {url} answered {page.status_code}"
    return client.post(url, {**form_page_fields(page.content.decode()), **data}, follow=follow)
