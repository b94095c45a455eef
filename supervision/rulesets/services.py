"""Writes to rule sets: copy, edit, publish, re-judge a year, import. Each is one
transaction, office staff only (deputies.permissions.may_manage_rulesets), with a reason that
becomes the change reason of every history row it writes.

A version that judges a closed year (supervision.closing.services) cannot be edited, only
superseded; no version may be published or re-dated so that another version would judge a
closed year.
"""

from __future__ import annotations

import re
from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from activities.models import ActivityType
from deputies.permissions import may_manage_rulesets
from supervision.rules import Art29, Counts, Period
from supervision.rulesets.models import RuleSet, RuleSetRule, YearJudgement
from supervision.rulesets.selectors import Candidate, choose, judging_pks, parse_articles

FORMAT = "jdrenda-ruleset"
FORMAT_VERSION = 1
RULE_FIELDS = ("code", "articles", "short_name", "period", "counts", "quota", "activity_types",
               "times", "description", "art29")  # fmt: skip
CODE = re.compile(r"^[A-Z][A-Z0-9_]{0,39}$")
# Kinds of counting a version may hold at most once (their pages and sheets read one rule).
ONCE = {Counts.SESSION_ATTENDANCE, Counts.SPEECHES, Counts.CONSTITUENTS,
        Counts.LIAISON_DEPUTIES, Counts.PROPOSALS, Counts.CONSTITUENCY_REPORTS}  # fmt: skip


def _require(user) -> None:
    if not may_manage_rulesets(user):
        raise ValidationError(_("只有人事代表工委工作人员可以修改考核规则。"))


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写修改理由（记入修改历史）。")})
    return reason


def _person(user):
    """The user to record, or None for the command line (deputies.permissions.COMMAND_LINE)."""
    return user if isinstance(user, get_user_model()) else None


def _stamp(instance, user, reason):
    instance._change_reason = reason
    if _person(user) is not None:
        instance._history_user = user
    return instance


# --- closed years ----------------------------------------------------------------------------


def _closed_years() -> list[int]:
    from supervision.closing.services import closed_years

    return sorted(closed_years())


def locked_years(ruleset: RuleSet) -> list[int]:
    """The closed years this version judges: while there is one, it cannot be edited."""
    if ruleset.status != RuleSet.Status.PUBLISHED:
        return []
    return [year for year, pk in judging_pks(_closed_years()).items() if pk == ruleset.pk]


def _check_closed_years(changed: RuleSet | None = None) -> None:
    """Refuse a publication or a new date that would change which version judges a closed
    year (`changed`: the version as it will be, not yet saved)."""
    years = _closed_years()
    if not years:
        return
    before = judging_pks(years)
    candidates = {
        pk: Candidate(pk, eff)
        for pk, eff in RuleSet.objects.filter(status=RuleSet.Status.PUBLISHED).values_list(
            "pk", "effective_date"
        )
    }
    if changed is not None:
        candidates.pop(changed.pk, None)
        if changed.status == RuleSet.Status.PUBLISHED:
            candidates[changed.pk] = Candidate(changed.pk, changed.effective_date)
    judged = dict(YearJudgement.objects.filter(year__in=years).values_list("year", "ruleset"))
    for year in years:
        if choose(list(candidates.values()), year, judged.get(year)) != before[year]:
            raise ValidationError(
                {
                    "effective_date": _(
                        "%(year)s 年度已结账，其考核依据不能因新版本或新的生效日期而改变："
                        "生效日期须晚于 %(year)s-12-31；如确需按其他版本重新评定，请使用"
                        "“重新评定年度”并填写理由。"
                    )
                    % {"year": year}
                }
            )


def _check_editable(ruleset: RuleSet) -> None:
    years = locked_years(ruleset)
    if years:
        raise ValidationError(
            _("该版本已用于已结账年度（%(years)s）的考核，不能修改，只能由新版本取代。")
            % {"years": "、".join(str(y) for y in years)}
        )


# --- validation of a version's rules ---------------------------------------------------------


def validate_rules(rules: list[dict]) -> list[str]:
    """Every problem of a version's rules, in Chinese, each naming the rule (第 N 条规则)."""
    errors: list[str] = []
    if not rules:
        return [_("规则版本至少要有一条规则。")]
    types = dict(ActivityType.choices)
    seen_codes, seen_names, seen_types, seen_kinds = {}, {}, {}, {}
    for n, rule in enumerate(rules, 1):
        where = _("第 %(n)s 条规则（%(name)s）") % {
            "n": n,
            "name": rule.get("short_name") or rule.get("code") or "?",
        }

        def bad(message, where=where):
            errors.append(f"{where}：{message}")

        code = str(rule.get("code") or "").strip()
        if not CODE.match(code):
            bad(_("规则代码须为大写字母开头的大写字母、数字或下划线（最长 40 个字符）。"))
        elif code in seen_codes:
            bad(
                _("规则代码 %(code)s 与第 %(other)s 条重复。")
                % {"code": code, "other": seen_codes[code]}
            )
        seen_codes.setdefault(code, n)
        name = str(rule.get("short_name") or "").strip()
        if not name or len(name) > 20:
            bad(_("简称（导出表列名）须填写，最长 20 个字。"))
        elif name in seen_names:
            bad(
                _("简称“%(name)s”与第 %(other)s 条重复。")
                % {"name": name, "other": seen_names[name]}
            )
        seen_names.setdefault(name, n)
        try:
            articles = parse_articles(rule.get("articles", ""))
        except (TypeError, ValueError):
            articles = ()
        if not articles or any(a <= 0 for a in articles):
            bad(_("条款须为正整数，多个用逗号分隔，如 5,7。"))
        if rule.get("period") not in {p.value for p in Period}:
            bad(_("周期须为 year（每年）或 term（每届）。"))
        counts = rule.get("counts")
        if counts not in {c.value for c in Counts}:
            bad(_("统计内容“%(counts)s”不是系统提供的统计方式之一。") % {"counts": counts})
            continue
        if counts in ONCE:
            if counts in seen_kinds:
                bad(
                    _("同一统计内容只能有一条规则（与第 %(other)s 条重复）。")
                    % {"other": seen_kinds[counts]}
                )
            seen_kinds.setdefault(counts, n)
        quota = rule.get("quota")
        if counts == Counts.SESSION_ATTENDANCE:
            if quota is not None:
                bad(_("出席大会的要求为名单内的全部会议，要求数须留空。"))
        elif not isinstance(quota, int) or isinstance(quota, bool) or quota < 1:
            bad(_("要求数须为正整数。"))
        activity_types = rule.get("activity_types") or []
        if not isinstance(activity_types, list):
            bad(_("活动类型须为列表。"))
            activity_types = []
        if counts == Counts.ACTIVITIES:
            if not activity_types:
                bad(_("统计履职活动的规则须至少选择一种活动类型。"))
            for t in activity_types:
                if t not in types:
                    bad(_("活动类型“%(type)s”不存在。") % {"type": t})
                elif t in seen_types:
                    bad(_("活动类型“%(type)s”已计入第 %(other)s 条规则，一种活动只能计入一条规则。")
                        % {"type": types[t], "other": seen_types[t]})  # fmt: skip
                seen_types.setdefault(t, n)
        elif activity_types:
            bad(_("只有统计履职活动的规则可以选择活动类型。"))
        times = rule.get("times")
        if counts in (Counts.CONSTITUENTS, Counts.LIAISON_DEPUTIES):
            if not isinstance(times, int) or isinstance(times, bool) or not 1 <= times <= 20:
                bad(_("每人联系次数须为 1 至 20 的整数。"))
        elif times is not None:
            bad(_("只有联系选民、联系代表规则有每人联系次数。"))
        if (rule.get("art29") or "") not in {"", *(g.value for g in Art29)}:
            bad(_("第二十九条事由“%(v)s”无效。") % {"v": rule.get("art29")})
        if len(str(rule.get("description") or "")) > 200:
            bad(_("说明最长 200 个字。"))
    return errors


def rule_dicts(ruleset: RuleSet) -> list[dict]:
    return [
        {name: getattr(rule, name) for name in RULE_FIELDS}
        for rule in ruleset.rules.order_by("order", "pk")
    ]


def _check_name(name: str, exclude: int | None = None) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写版本名称。")})
    if RuleSet.objects.exclude(pk=exclude).filter(name=name).exists():
        raise ValidationError({"name": _("已有同名的规则版本“%(name)s”。") % {"name": name}})
    return name


# --- writes ----------------------------------------------------------------------------------


@transaction.atomic
def copy_version(user, source: RuleSet, name: str, effective_date: date, reason: str) -> RuleSet:
    """A new draft with the source's rules, to edit and then publish."""
    _require(user)
    reason = _reason(reason)
    version = RuleSet(
        name=_check_name(name),
        source_document=source.source_document,
        effective_date=effective_date,
        reason=reason,
        status=RuleSet.Status.DRAFT,
    )
    _stamp(
        version, user, _("复制自“%(name)s”：%(reason)s") % {"name": source.name, "reason": reason}
    )
    version.save()
    for order, values in enumerate(rule_dicts(source), 1):
        _stamp(
            RuleSetRule(ruleset=version, order=order, **values), user, version._change_reason
        ).save()
    return version


@transaction.atomic
def update_version(
    user, ruleset: RuleSet, fields: dict, rules: list[dict] | None, reason: str
) -> RuleSet:
    """Change a version's own fields and (if given) replace its rules by `rules` (in order),
    keeping each rule's row (and history) by code."""
    _require(user)
    reason = _reason(reason)
    ruleset = RuleSet.objects.select_for_update().get(pk=ruleset.pk)
    _check_editable(ruleset)
    if "name" in fields:
        fields["name"] = _check_name(fields["name"], exclude=ruleset.pk)
    for name, value in fields.items():
        setattr(ruleset, name, value)
    if rules is not None:
        errors = validate_rules(rules)
        if errors:
            raise ValidationError(errors)
    _check_closed_years(ruleset)
    _stamp(ruleset, user, reason).save()
    if rules is not None:
        _replace_rules(ruleset, rules, user, reason)
    return ruleset


def _replace_rules(ruleset: RuleSet, rules: list[dict], user, reason: str) -> None:
    existing = {rule.code: rule for rule in ruleset.rules.all()}
    wanted = {values["code"] for values in rules}
    for code, rule in existing.items():
        if code not in wanted:
            _stamp(rule, user, reason).delete()
    # Short names are unique per version: park the renamed ones first (two names swapped).
    for values in rules:
        rule = existing.get(values["code"])
        if rule is not None and rule.short_name != values["short_name"]:
            RuleSetRule.objects.filter(pk=rule.pk).update(short_name=f"~{rule.pk}")
    for order, values in enumerate(rules, 1):
        rule = existing.get(values["code"])
        if rule is None:
            rule = RuleSetRule(ruleset=ruleset)
        changed = (
            rule.pk is None
            or rule.order != order
            or any(getattr(rule, k) != values.get(k) for k in RULE_FIELDS)
        )
        if not changed:
            continue
        for name in RULE_FIELDS:
            setattr(rule, name, values.get(name))
        rule.activity_types = list(values.get("activity_types") or [])
        rule.description = values.get("description") or ""
        rule.art29 = values.get("art29") or ""
        rule.order = order
        _stamp(rule, user, reason).save()


@transaction.atomic
def publish(user, ruleset: RuleSet, reason: str) -> RuleSet:
    """A draft takes effect on its effective date (it then judges the years ending on or
    after it, until a later version)."""
    _require(user)
    reason = _reason(reason)
    ruleset = RuleSet.objects.select_for_update().get(pk=ruleset.pk)
    if ruleset.status == RuleSet.Status.PUBLISHED:
        raise ValidationError(_("该版本已发布。"))
    errors = validate_rules(rule_dicts(ruleset))
    if errors:
        raise ValidationError(errors)
    ruleset.status = RuleSet.Status.PUBLISHED
    _check_closed_years(ruleset)
    _stamp(ruleset, user, reason).save()
    return ruleset


@transaction.atomic
def rejudge_year(user, year: int, ruleset: RuleSet, reason: str, today: date | None = None):
    """Office staff judge an ended year by `ruleset` explicitly, with a reason (kept in the
    history): from then on that version judges the year."""
    from supervision.closing.services import year_has_ended

    _require(user)
    reason = _reason(reason)
    if ruleset.status != RuleSet.Status.PUBLISHED:
        raise ValidationError(_("只能按已发布的版本重新评定。"))
    if not year_has_ended(year, today):
        raise ValidationError(
            _("%(year)s 年度尚未结束，按生效日期确定的版本评价。") % {"year": year}
        )
    judgement = YearJudgement.objects.select_for_update().filter(year=year).first()
    judgement = judgement or YearJudgement(year=year)
    judgement.ruleset, judgement.reason, judgement.judged_by = ruleset, reason, _person(user)
    _stamp(judgement, user, reason).save()
    return judgement


# --- export and import -----------------------------------------------------------------------


def export_version(ruleset: RuleSet) -> dict:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "name": ruleset.name,
        "source_document": ruleset.source_document,
        "effective_date": ruleset.effective_date.isoformat(),
        "reason": ruleset.reason,
        "rules": rule_dicts(ruleset),
    }


def parse_import(data) -> tuple[dict, list[dict]]:
    """(the version's fields, its rules) from an exported file's data, or a ValidationError
    listing every problem."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValidationError(
            _('文件不是考核规则版本文件（缺少 "format": "%(f)s"）。') % {"f": FORMAT}
        )
    errors = []
    if data.get("format_version") != FORMAT_VERSION:
        errors.append(_("不支持的文件版本：%(v)s。") % {"v": data.get("format_version")})
    name = str(data.get("name") or "").strip()
    if not name:
        errors.append(_("缺少版本名称（name）。"))
    elif len(name) > 200:
        errors.append(_("版本名称最长 200 个字。"))
    try:
        effective = date.fromisoformat(str(data.get("effective_date")))
    except ValueError:
        effective = None
        errors.append(_("生效日期（effective_date）须为 YYYY-MM-DD。"))
    rules = data.get("rules")
    if not isinstance(rules, list) or not all(isinstance(r, dict) for r in rules):
        errors.append(_("规则（rules）须为列表。"))
        rules = []
    else:
        unknown = sorted({k for r in rules for k in r} - set(RULE_FIELDS))
        if unknown:
            errors.append(_("规则中有无法识别的字段：%(f)s。") % {"f": "、".join(unknown)})
        errors += validate_rules(rules)
    if errors:
        raise ValidationError(errors)
    fields = {
        "name": name,
        "source_document": str(data.get("source_document") or "")[:300],
        "effective_date": effective,
        "reason": str(data.get("reason") or ""),
    }
    return fields, [{k: r.get(k) for k in RULE_FIELDS} for r in rules]


@transaction.atomic
def import_version(user, data, reason: str) -> RuleSet:
    """A new draft from an exported file: all or nothing."""
    _require(user)
    reason = _reason(reason)
    fields, rules = parse_import(data)
    fields["name"] = _check_name(fields["name"])
    version = _stamp(RuleSet(status=RuleSet.Status.DRAFT, **fields), user, reason)
    version.save()
    _replace_rules(version, rules, user, reason)
    return version
