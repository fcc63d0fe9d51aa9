"""Reads the fields of the form a page shows, as a browser would submit them."""

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class FormField:
    name: str
    kind: str  # text, textarea, date, number, email, tel, select, radio, checkbox, hidden, file
    value: str = ""
    options: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)


class _FormParser(HTMLParser):  # noqa: D101
    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action
        self.inside = False
        self.found = False
        self.fields: dict[str, FormField] = {}
        self._select: FormField | None = None
        self._textarea: FormField | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            wanted = a.get("method", "get").lower() == "post" and a.get("action", "") in (
                "",
                self.action,
            )
            if wanted and not self.found:
                self.inside = self.found = True
            return
        if not self.inside or "name" not in a:
            return
        name = a["name"]
        if name == "csrfmiddlewaretoken":
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("submit", "button"):
                return
            if kind in ("radio", "checkbox"):
                item = self.fields.setdefault(name, FormField(name, kind))
                item.options.append(a.get("value", "on"))
                if "checked" in a:
                    item.value = a.get("value", "on")
                    item.checked.append(item.value)
                return
            self.fields[name] = FormField(name, kind, a.get("value", ""))
        elif tag == "textarea":
            self._textarea = self.fields[name] = FormField(name, "textarea")
        elif tag == "select":
            self._select = self.fields[name] = FormField(name, "select")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


class _OptionParser(_FormParser):
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "option" and self.inside and self._select is not None:
            a = {k: v or "" for k, v in attrs}
            self._select.options.append(a.get("value", ""))
            if "selected" in a:
                self._select.value = a.get("value", "")
            return
        super().handle_starttag(tag, attrs)


def form_fields(html: str, action: str) -> dict[str, FormField]:
    """The fields of the first POST form on the page that posts to `action` (or to itself)."""
    parser = _OptionParser(action)
    parser.feed(html)
    return parser.fields


def as_post(fields: dict[str, FormField]) -> dict[str, object]:
    """What a browser sends for the form as shown: checked boxes as lists."""
    data: dict[str, object] = {}
    for item in fields.values():
        if item.kind == "checkbox":
            if item.checked:
                data[item.name] = list(item.checked)
        elif item.kind != "file":
            data[item.name] = item.value
    return data
