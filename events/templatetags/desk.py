"""``{% desk_modules as desk %}``: the review queue and latest changes for the admin index."""

from django import template

from events import desk

register = template.Library()


@register.simple_tag(takes_context=True)
def desk_modules(context) -> dict:
    return desk.for_index(context["request"])
