"""Reading a page's form as a browser would post it: every input's value and every select's
chosen option, so a test submits what a person who changed nothing (or one thing) would."""

from __future__ import annotations

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self.select: str | None = None
        self.first_option: str | None = None

    def handle_starttag(self, tag, attrs) -> None:
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "checkbox", "radio"):
            self.fields[name] = attrs.get("value") or ""
        elif tag == "input" and name and "checked" in attrs:
            self.fields[name] = attrs.get("value") or "on"
        elif tag == "select" and name:
            self.select, self.first_option = name, None
        elif tag == "option" and self.select:
            value = attrs.get("value") or ""
            if self.first_option is None:
                self.first_option = value
                self.fields.setdefault(self.select, value)
            if "selected" in attrs:
                self.fields[self.select] = value

    def handle_endtag(self, tag) -> None:
        if tag == "select":
            self.select = None


def form_fields(response, **changes) -> dict[str, str]:
    """The page's form fields as a browser would post them, with `changes` made."""
    reader = _FormReader()
    reader.feed(response.content.decode())
    fields = {name: value for name, value in reader.fields.items() if name != "csrfmiddlewaretoken"}
    return {**fields, **changes}
