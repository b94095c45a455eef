"""Query filters of the lists (django-filter). Invalid values are a 400 with the field named."""

import django_filters as df

from activities.models import Activity, Attendance, Meeting, Participation
from deputies.models import Deputy, DeputyGroup
from proposals.models import Proposal


class GroupFilter(df.FilterSet):
    class Meta:
        model = DeputyGroup
        fields = ["term", "delegation"]


class DeputyFilter(df.FilterSet):
    code = df.CharFilter(label="代表编号")
    q = df.CharFilter(method="search", label="姓名或编号包含")

    class Meta:
        model = Deputy
        fields = ["term", "delegation", "group", "is_sc_member", "code"]

    def search(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(Q(name__contains=value) | Q(code__contains=value))


class MeetingFilter(df.FilterSet):
    date_from = df.DateFilter(field_name="date", lookup_expr="gte", label="起始日期")
    date_to = df.DateFilter(field_name="date", lookup_expr="lte", label="截止日期")

    class Meta:
        model = Meeting
        fields = ["term", "session", "kind", "delegation"]


class AttendanceFilter(df.FilterSet):
    deputy_code = df.CharFilter(field_name="deputy__code", label="代表编号")

    class Meta:
        model = Attendance
        fields = ["meeting", "deputy", "status"]


class ActivityFilter(df.FilterSet):
    date_from = df.DateFilter(field_name="date", lookup_expr="gte", label="起始日期")
    date_to = df.DateFilter(field_name="date", lookup_expr="lte", label="截止日期")

    class Meta:
        model = Activity
        fields = ["term", "type", "organiser", "group"]


class ParticipationFilter(df.FilterSet):
    deputy_code = df.CharFilter(field_name="deputy__code", label="代表编号")

    class Meta:
        model = Participation
        fields = ["activity", "deputy", "status"]


class ProposalFilter(df.FilterSet):
    class Meta:
        model = Proposal
        fields = ["term", "kind", "status", "lead"]
