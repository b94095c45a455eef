"""Data management (数据管理) for the office: every model, with its change history."""

from allauth.account.decorators import secure_admin_login
from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Constituent,
    Delegation,
    Deputy,
    DeputyGroup,
    LiaisonAssignment,
    Organiser,
    Role,
    RoleAssignment,
    ServicePeriod,
    Suspension,
    Term,
    Termination,
)


@admin.register(Term)
class TermAdmin(SimpleHistoryAdmin):
    list_display = ["name", "start_date", "end_date"]
    search_fields = ["name"]


@admin.register(Delegation)
class DelegationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "order"]
    list_editable = ["order"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(DeputyGroup)
class DeputyGroupAdmin(SimpleHistoryAdmin):
    list_display = ["name", "delegation", "term", "leader"]
    list_filter = ["term", "delegation"]
    list_select_related = ["delegation", "term", "leader"]
    search_fields = ["name", "delegation__name"]
    autocomplete_fields = ["leader"]


@admin.register(Organiser)
class OrganiserAdmin(admin.ModelAdmin):
    list_display = ["name", "delegation"]
    list_filter = ["delegation"]
    list_select_related = ["delegation"]
    search_fields = ["name"]


class ServicePeriodInline(admin.TabularInline):
    model = ServicePeriod
    extra = 0


class SuspensionInline(admin.TabularInline):
    model = Suspension
    extra = 0


class TerminationInline(admin.StackedInline):
    model = Termination
    extra = 0
    max_num = 1


class ConstituentInline(admin.TabularInline):
    model = Constituent
    extra = 0


class LiaisonAssignmentInlineForm(forms.ModelForm):
    def add_error(self, field, error):
        # The member is the deputy on the page, a hidden field in the row, so an error the
        # model puts on it (not a standing-committee member) would not be seen: show it on
        # the row instead.
        if field is None and "member" in getattr(error, "error_dict", {}):
            errors = dict(error.error_dict)
            errors[NON_FIELD_ERRORS] = errors.get(NON_FIELD_ERRORS, []) + errors.pop("member")
            error = ValidationError(errors)
        super().add_error(field, error)


class LiaisonAssignmentInline(admin.TabularInline):
    """The deputies a standing-committee member liaises with (Art. 15)."""

    model = LiaisonAssignment
    form = LiaisonAssignmentInlineForm
    fk_name = "member"
    extra = 0
    autocomplete_fields = ["deputy"]


@admin.register(Deputy)
class DeputyAdmin(SimpleHistoryAdmin):
    list_display = [
        "code",
        "name",
        "term",
        "delegation",
        "group",
        "gender",
        "mobile",
        "is_sc_member",
        "user",
    ]
    list_display_links = ["code", "name"]
    list_filter = ["term", "delegation", "is_sc_member", "gender", "group"]
    list_select_related = ["term", "delegation", "group", "user"]
    search_fields = ["code", "name", "mobile", "workplace_title"]
    autocomplete_fields = ["group", "user"]
    inlines = [
        ServicePeriodInline,
        SuspensionInline,
        TerminationInline,
        ConstituentInline,
        LiaisonAssignmentInline,
    ]


@admin.register(ServicePeriod)
class ServicePeriodAdmin(SimpleHistoryAdmin):
    list_display = ["deputy", "start_date", "end_date", "note"]
    list_filter = ["deputy__term", "deputy__delegation"]
    list_select_related = ["deputy"]
    search_fields = ["deputy__name", "deputy__code"]
    autocomplete_fields = ["deputy"]


@admin.register(Suspension)
class SuspensionAdmin(SimpleHistoryAdmin):
    list_display = ["deputy", "start_date", "end_date", "reason"]
    list_filter = ["deputy__term", "deputy__delegation"]
    list_select_related = ["deputy"]
    search_fields = ["deputy__name", "deputy__code"]
    autocomplete_fields = ["deputy"]


@admin.register(Termination)
class TerminationAdmin(SimpleHistoryAdmin):
    list_display = ["deputy", "date", "reason"]
    list_filter = ["reason", "deputy__term", "deputy__delegation"]
    list_select_related = ["deputy"]
    search_fields = ["deputy__name", "deputy__code"]
    autocomplete_fields = ["deputy"]


@admin.register(Constituent)
class ConstituentAdmin(SimpleHistoryAdmin):
    list_display = ["name", "phone", "deputy", "address"]
    list_filter = ["deputy__term", "deputy__delegation"]
    list_select_related = ["deputy"]
    search_fields = ["name", "phone", "deputy__name", "deputy__code"]
    autocomplete_fields = ["deputy"]


@admin.register(LiaisonAssignment)
class LiaisonAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["member", "deputy"]
    list_filter = ["member__term"]
    list_select_related = ["member", "deputy"]
    search_fields = ["member__name", "member__code", "deputy__name", "deputy__code"]
    autocomplete_fields = ["member", "deputy"]


class RoleAssignmentForm(forms.ModelForm):
    # The scope each role needs, as the model's check constraints demand, said in Chinese on
    # the field instead of the database's "constraint violated".
    REQUIRED_SCOPE = {
        Role.TOWN_STAFF: ("delegation", _("镇（街道）人大工作人员须选择代表团。")),
        Role.DELEGATION_HEAD: ("delegation", _("代表团团长须选择代表团。")),
        Role.GROUP_LEADER: ("group", _("代表小组组长须选择代表小组。")),
        Role.COMMITTEE_STAFF: ("organiser", _("专委会/工委工作人员须选择组织单位。")),
        Role.LIAISON: ("organiser", _("一府一委两院联络员须选择组织单位。")),
    }

    def clean(self):
        cleaned = super().clean()
        field, message = self.REQUIRED_SCOPE.get(cleaned.get("role"), (None, None))
        if field and not cleaned.get(field):
            self.add_error(field, message)
        return cleaned


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(SimpleHistoryAdmin):
    form = RoleAssignmentForm
    list_display = ["user", "role", "delegation", "group", "organiser"]
    list_filter = ["role", "delegation"]
    list_select_related = ["user", "delegation", "group", "organiser"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user", "group", "organiser"]


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    form = RoleAssignmentForm
    extra = 0
    autocomplete_fields = ["group", "organiser"]


# The admin signs in through allauth's page, so MFA and the mobile-number login apply there too.
admin.site.login = secure_admin_login(admin.site.login)

User = get_user_model()
# The user page shows the user's roles, so accounts and roles are managed in one place.
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class JdrendaUserAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, RoleAssignmentInline]
