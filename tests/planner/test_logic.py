"""planner.logic.plan_invitations: the pure planning function, with hand-computed outcomes."""

from datetime import date, timedelta
from fractions import Fraction

from planner.logic import Opportunity, Standing, Unreachable, plan_invitations

SC, GOV = "ART12_SC_MEETING", "ART12_GOV_ACTIVITY"
TERM = (date(2022, 1, 1), date(2026, 12, 31))
D1, D2, D3 = date(2026, 12, 5), date(2026, 12, 15), date(2026, 12, 25)


def deputy(pk, delegation=1, sc=(0, 2), gov=(2, 2), service=TERM, **extra):
    """A deputy with (attended, required) per rule; in office over `service`."""
    return Standing(
        id=pk,
        delegation=delegation,
        attended={SC: sc[0], GOV: gov[0]},
        required={SC: sc[1], GOV: gov[1]},
        service=(service,),
        **extra,
    )


def sc(pk, day, seats, **extra):
    return Opportunity(id=pk, date=day, rule=SC, seats=seats, **extra)


def test_a_deputy_at_quota_is_never_proposed_ahead_of_one_behind():
    """A (2/2, alone in delegation 2, fewest days left) would win on balance and time left;
    B (0/2) and C (1/2) are behind and take the two seats. With a third seat A comes last."""
    at_quota = deputy(1, delegation=2, sc=(2, 2), service=(TERM[0], date(2026, 12, 6)))
    far, near = deputy(2, sc=(0, 2)), deputy(3, sc=(1, 2))
    plan = [sc(10, D1, 2), sc(11, D2, 2)]
    result = plan_invitations(plan, [at_quota, far, near], chosen=10)
    # B: need 2 with 2 chances (slack 0) before C: need 1 with 2 chances (slack 1).
    assert result.proposed == (2, 3)
    result = plan_invitations([sc(10, D1, 3), sc(11, D2, 3)], [at_quota, far, near], chosen=10)
    assert result.proposed == (2, 3, 1)


def test_a_deputy_whose_service_ends_before_the_date_is_never_proposed():
    gone = deputy(1, sc=(0, 2), service=(TERM[0], D1 - timedelta(days=1)))
    other = deputy(2, sc=(2, 2))
    result = plan_invitations([sc(10, D1, 5)], [gone, other], chosen=10)
    assert result.proposed == (2,)
    assert [c.id for c in result.ranking] == [2]
    # Far behind with no opportunity left in office: cannot reach the quota any more.
    assert result.cannot_reach == (Unreachable(1, SC, need=2, chances=0),)


def test_suspended_on_leave_or_already_on_the_roll_are_not_proposed():
    suspended = deputy(1, suspensions=((date(2026, 12, 1), None),))
    on_leave = deputy(2, leave=frozenset({D1}))
    excused = deputy(3)  # on leave for this activity (on its roll)
    free = deputy(4)
    result = plan_invitations(
        [sc(10, D1, 4, excluded=frozenset({3}))], [suspended, on_leave, excused, free], chosen=10
    )
    assert result.proposed == (4,)


def test_least_slack_first_then_the_larger_need():
    """E: 1/2, leaves office before the second meeting: 1 needed, 1 chance (slack 0).
    F: 0/2, 3 chances (slack 1). G: 1/2, 3 chances (slack 2). One seat each time."""
    e = deputy(1, sc=(1, 2), service=(TERM[0], D1 + timedelta(days=1)))
    f, g = deputy(2, sc=(0, 2)), deputy(3, sc=(1, 2))
    plan = [sc(10, D1, 1), sc(11, D2, 1), sc(12, D3, 1)]
    result = plan_invitations(plan, [g, f, e], chosen=10)
    assert result.proposed == (1,)
    assert [c.id for c in result.ranking] == [1, 2, 3]
    assert [(c.need, c.chances) for c in result.ranking] == [(1, 1), (2, 3), (1, 3)]
    # Then F twice (slack 1, then 0): at D2 F needs 2 with 2 chances, G 1 with 2.
    assert result.schedule == {10: (1,), 11: (2,), 12: (2,)}


def test_seats_are_balanced_across_delegations():
    """Four deputies equally behind: three of delegation 1, one of delegation 2. Two seats go
    to one of each (the lower id first within a delegation)."""
    people = [deputy(1), deputy(2), deputy(3), deputy(4, delegation=2)]
    result = plan_invitations([sc(10, D1, 2), sc(11, D2, 2)], people, chosen=10)
    assert result.proposed == (1, 4)


def test_less_term_time_left_goes_first_among_equals():
    """Same need and chances, same delegation: the one whose service ends sooner first."""
    staying = deputy(1)
    leaving = deputy(2, service=(TERM[0], D2))
    result = plan_invitations([sc(10, D1, 1), sc(11, D2, 1)], [staying, leaving], chosen=10)
    assert result.proposed == (2,)


def test_seats_already_invited_are_kept_and_counted():
    """Seat count 2 with one deputy already invited: one free seat. The invited deputy is
    assumed to attend; the one who holds a seat later needs one fewer now."""
    invited_later = deputy(1, sc=(1, 2))  # invited to the second meeting: need 0 now
    behind = deputy(2, sc=(1, 2))
    holder = deputy(3, sc=(0, 2))
    plan = [sc(10, D1, 2, invited=frozenset({3})), sc(11, D2, 1, invited=frozenset({1}))]
    result = plan_invitations(plan, [invited_later, behind, holder], chosen=10)
    assert result.proposed == (2,)
    assert result.schedule == {10: (3, 2), 11: (1,)}


def projection_world():
    """P: SC 1/2, GOV 2/2; Q: SC 0/2, GOV 1/2; R: 2/2 and 2/2; S: SC 0/2 (leaves office on
    12 Dec), GOV 2/2. Plan: SC on 5 Dec (1 seat), GOV on 15 Dec (1 seat), SC on 25 Dec (1 seat).
    P leaves office on 31 Dec, Q stays: P has fewer days left."""
    p = deputy(1, sc=(1, 2), gov=(2, 2), delegation=1)
    q = deputy(2, sc=(0, 2), gov=(1, 2), delegation=2, service=(TERM[0], date(2027, 3, 1)))
    r = deputy(3, sc=(2, 2), gov=(2, 2), delegation=1)
    s = deputy(4, sc=(0, 2), gov=(2, 2), delegation=3, service=(TERM[0], date(2026, 12, 12)))
    plan = [
        sc(10, D1, 1),
        Opportunity(id=20, date=D2, rule=GOV, seats=1),
        sc(11, D3, 1),
    ]
    return plan, [p, q, r, s]


def test_projection_now_and_after_the_plan():
    """5 Dec: Q (need 2, chances 2: slack 0) before P (need 1, chances 2) and S (cannot
    reach: need 2, 1 chance). 15 Dec GOV: Q (need 1). 25 Dec: P and Q both need 1 with 1
    chance, different delegations, P has fewer days left → P. End: P 2/2 ✓, Q SC 1/2 ✗, R ✓,
    S ✗. Now only R meets Art. 12: 1/4 → 2/4."""
    plan, people = projection_world()
    result = plan_invitations(plan, people, chosen=10)
    assert result.proposed == (2,)
    assert result.schedule == {10: (2,), 20: (2,), 11: (1,)}
    assert (result.met_now, result.met_planned, result.applicable) == (1, 2, 4)
    assert (result.rate_now, result.rate_planned) == (Fraction(1, 4), Fraction(1, 2))
    assert result.cannot_reach == (Unreachable(4, SC, need=2, chances=1),)


def test_an_edited_list_replaces_the_proposal_in_the_projection():
    """Staff invite P and S to the 5 Dec meeting instead (and 99, who is no deputy of the plan:
    refused). Then GOV to Q (need 1), 25 Dec: Q (need 2, 1 chance: cannot reach) behind P?
    P is at 2/2 now, so Q gets it: Q SC 1/2. P ✓, Q ✗, R ✓, S ✗ (1/2) → 2/4."""
    plan, people = projection_world()
    result = plan_invitations(plan, people, chosen=10, edited=[1, 4, 99, 1])
    assert result.proposed == (1, 4)
    assert result.refused == (99,)
    assert result.schedule == {10: (1, 4), 20: (2,), 11: (2,)}
    assert result.met_planned == 2


def test_nobody_applicable_gives_an_empty_projection():
    result = plan_invitations([sc(10, D1, 3)], [], chosen=10)
    assert result.proposed == () and result.applicable == 0
    assert result.rate_planned == 0


def test_an_invited_deputy_the_rule_does_not_apply_to_is_kept_without_error():
    """Nobody of the plan has the SC rule (a deputy suspended the whole term: 不适用 to both;
    another with the GOV rule only). Already invited to the SC meeting, the first keeps the
    seat and counts for nobody's rate; the second takes the GOV seat: 0/1 → 1/1."""
    exempt = Standing(id=1, delegation=1, attended={}, required={}, service=(TERM,))
    gov_only = Standing(id=2, delegation=1, attended={GOV: 1}, required={GOV: 2}, service=(TERM,))
    plan = [
        sc(10, D1, 2, invited=frozenset({1})),
        Opportunity(id=20, date=D2, rule=GOV, seats=1),
    ]
    result = plan_invitations(plan, [exempt, gov_only], chosen=20)
    assert result.schedule == {10: (1,), 20: (2,)}
    assert (result.met_now, result.met_planned, result.applicable) == (0, 1, 1)
