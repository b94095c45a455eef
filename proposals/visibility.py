"""Who may read the lead deputy's 办理评价 (Art. 19): the one rule, used by every page, export
and feedback sheet that shows a proposal.

The evaluation belongs to the lead deputy. It is shown to the lead, to office staff and to
leadership; co-signers, town staff, group leaders, heads and every other role see nothing of
it — not the satisfaction, not the comment, not that handling was reopened *because* the lead
was 不满意 (they see only that it was reopened)."""

from dataclasses import dataclass

from deputies.models import Role
from deputies.scopes import user_scope

READERS = (Role.OFFICE_STAFF, Role.LEADERSHIP)


@dataclass(frozen=True)
class OwnSheetReader:
    """A deputy reading their own year-end feedback sheet (they may have no account)."""

    deputy_id: int


def may_see_evaluation(reader, proposal) -> bool:
    """May `reader` see `proposal`'s evaluation?

    `reader` is a user, or an OwnSheetReader. Reads `proposal.lead_id` only: no query
    beyond the user's scope, which is computed once per request."""
    if isinstance(reader, OwnSheetReader):
        return proposal.lead_id == reader.deputy_id
    scope = user_scope(reader)
    return scope.has(*READERS) or proposal.lead_id in scope.deputy_ids


def sees_every_evaluation(user) -> bool:
    """True when `user` may see the evaluation of every proposal (office staff, leadership):
    lists use it to decide whether to show the column at all."""
    return user_scope(user).has(*READERS)
