"""Formatting for the councils' templates."""

import re

from django import template

register = template.Library()


@register.filter
def paragraphs(text: str) -> list[str]:
    """Text a council wrote in the admin, as its paragraphs (split on blank lines)."""
    return [part.strip() for part in re.split(r"\n\s*\n", text or "") if part.strip()]
