"""Template hooks for the 代表码 figures on the deputy's file and the group page: shown beside
the rules, not as a rule (Art. 17 sets no quota). One query each."""

from django import template

from citizens.selectors import figures, figures_by_delegation

register = template.Library()


@register.inclusion_tag("citizens/_figures.html")
def citizen_figures_deputy(deputy, year):
    return {"figures": figures([deputy.pk], int(year)), "year": year, "whose": "deputy"}


@register.inclusion_tag("citizens/_figures.html")
def citizen_figures_group(group, year):
    deputy_ids = group.members.values("pk")
    return {"figures": figures(deputy_ids, int(year)), "year": year, "whose": "group"}


@register.inclusion_tag("citizens/_figures.html")
def citizen_figures_delegation(delegation, year):
    from deputies.models import Deputy

    deputy_ids = Deputy.objects.filter(delegation=delegation).values("pk")
    return {"figures": figures(deputy_ids, int(year)), "year": year, "whose": "delegation"}


@register.inclusion_tag("citizens/_figures_by_delegation.html")
def citizen_figures_by_delegation(year):
    """The leadership dashboard's table of messages per delegation (one query)."""
    return {"rows": figures_by_delegation(int(year)), "year": year}
