import uuid

from django import template

register = template.Library()


@register.simple_tag
def new_token() -> str:
    """A fresh token for a form that must apply once (see forms.TokenForm)."""
    return str(uuid.uuid4())


@register.filter
def level_class(level: str) -> str:
    """The class that colours a field by the matcher's word on it."""
    return f"kbp-ev-{level}" if level else ""
