"""May this user create or change this record? One function per record kind.

The pages and the ledger import (supervision.ledger.validate) both ask these functions, so
what a role may write cannot differ between a form and a workbook row. Each function takes
a user (or a UserScope: the command line imports as office staff, COMMAND_LINE) and plain
objects with the ids it needs (`delegation_id`, `group_id`, `pk`), so the import can ask
row by row without a query. The QuerySet forms in deputies.scopes (deputies_editable_by,
activities_editable_by, …) must agree: tests/supervision/ledger/test_permissions.py checks both.
"""

from .models import Role
from .scopes import UserScope, user_scope

# The import_ledger command runs on the server, as the 人事代表工委 would.
COMMAND_LINE = UserScope(roles=frozenset({Role.OFFICE_STAFF}))


def _scope(who) -> UserScope:
    return who if isinstance(who, UserScope) else user_scope(who)


def _office(scope: UserScope) -> bool:
    return scope.has(Role.OFFICE_STAFF)


def _edits_deputy(scope: UserScope, deputy) -> bool:
    """Office staff any deputy; town staff the deputies of their delegations."""
    return _office(scope) or deputy.delegation_id in scope.town_staff_delegation_ids


def _sees_deputy(scope: UserScope, deputy) -> bool:
    """deputies.scopes.deputies_visible_to for one deputy."""
    if scope.district_wide or scope.has(Role.COMMITTEE_STAFF):
        return True
    return (
        deputy.delegation_id in scope.delegation_ids
        or deputy.group_id in scope.group_ids
        or deputy.pk in scope.deputy_ids
    )


def may_change_term(who) -> bool:
    """届次: created and dated by office staff only."""
    return _office(_scope(who))


def may_change_deputy(who, deputy, delegation_id=None) -> bool:
    """代表名册: a deputy's file and service periods. Office staff any deputy; town staff a
    deputy of their delegations, and only into one of them (`delegation_id`, the new one)."""
    scope = _scope(who)
    if _office(scope):
        return True
    town = scope.town_staff_delegation_ids
    return deputy.delegation_id in town and (delegation_id is None or delegation_id in town)


def may_change_suspension(who, deputy) -> bool:
    """暂停职务: as the deputy's file."""
    return _edits_deputy(_scope(who), deputy)


def may_manage_meetings(who) -> bool:
    """大会会议 themselves (a meeting's name, date and type): office staff only."""
    return _office(_scope(who))


def may_record_attendance(who, deputy) -> bool:
    """大会会议 出席情况 of one deputy: office staff any, town staff their delegations'."""
    return _edits_deputy(_scope(who), deputy)


def may_record_speech(who, deputy) -> bool:
    """大会发言: as attendance."""
    return _edits_deputy(_scope(who), deputy)


def may_change_activity(who, organiser) -> bool:
    """履职活动 itself (type, organiser): office staff any; committee staff their organisers';
    town staff their town's. `organiser` is None for an activity with no organiser."""
    scope = _scope(who)
    if _office(scope):
        return True
    if organiser is None:
        return False
    return (
        organiser.pk in scope.organiser_ids
        or organiser.delegation_id in scope.town_staff_delegation_ids
    )


def may_record_participation(who, organiser, deputy) -> bool:
    """履职活动 参加情况: on an activity the user may change, for a deputy the user sees."""
    scope = _scope(who)
    return may_change_activity(scope, organiser) and _sees_deputy(scope, deputy)


def may_record_communication(who, deputy) -> bool:
    """联系选民 recorded directly by staff (a deputy's own go through 填报→审核)."""
    return _edits_deputy(_scope(who), deputy)


def may_record_liaison(who, member) -> bool:
    """联系代表 of `member`, who must be an SC member: office staff for any; an SC member for
    themself. Town staff never."""
    scope = _scope(who)
    return member.is_sc_member and (_office(scope) or member.pk in scope.deputy_ids)


def may_change_proposal(who) -> bool:
    """议案建议 (number, title, lead, co-signers, units, status): office staff only."""
    return _office(_scope(who))


def may_import_evaluation(who) -> bool:
    """满意度 in the ledger: historic evaluations, imported by office staff only. Today's
    evaluation is the lead deputy's, on the proposal page (proposals.services.evaluate)."""
    return _office(_scope(who))


def may_record_report(who, deputy) -> bool:
    """向选民述职: office staff any, town staff their delegations'."""
    scope = _scope(who)
    return scope.has(Role.OFFICE_STAFF, Role.TOWN_STAFF) and _edits_deputy(scope, deputy)


def may_manage_rulesets(who) -> bool:
    """考核规则版本 (supervision.rulesets): seen, copied, edited, published, imported and
    used to re-judge a year by office staff only (the 人事代表工委 keeps the measures)."""
    return _office(_scope(who))


def may_publish_briefing(who, organiser=None) -> bool:
    """通报 (Art. 22–23): office staff in the name of the Standing Committee (organiser None)
    or of any organiser; 一府一委两院 liaison staff only in the name of their own organiser."""
    scope = _scope(who)
    if _office(scope):
        return True
    return organiser is not None and organiser.pk in scope.liaison_organiser_ids
