"""{{ value|percent }}: a percentage from jdrenda.percent.percent as "97.5%" (the one format)."""

from django import template

from jdrenda.percent import format_percent

register = template.Library()


@register.filter(name="percent")
def percent_filter(value) -> str:
    return format_percent(value)
