"""The 2024 measures as the first rule set version, from supervision/rules.py's declarations
as they stood (written out here: a migration must not change when the code does)."""

from datetime import date

from django.db import migrations

NAME = "《嘉定区人大代表履职管理办法（试行）》2024"
SOURCE = "嘉会办发〔2024〕6号（区七届人大常委会第27次主任会议通过）"
REASON = "初始版本：2024 年办法（试行）第三十一条，自通过之日起施行。"

# code, articles, short name, period, counts, quota, activity types, times, description, art29
RULES = [
    ("ART7_SESSION", "5,7", "出席大会", "year", "session_attendance", None, [], None,
     "出席或经批准请假的大会会议数 / 名单内的大会会议数", "absence"),
    ("ART8_SPEECH", "8", "大会发言", "year", "speeches", 1, [], None,
     "在代表团组会议上发言次数（仅适用于当年有大会会议名单的代表，不按任职时间折算）", ""),
    ("ART11_SC_ACTIVITY", "11", "常委会组织活动", "year", "activities", 2,
     ["research", "inspection", "law_check"], None, "参加专题调研、集中视察、执法检查", "collective"),
    ("ART12_SC_MEETING", "12", "列席常委会会议", "term", "activities", 2, ["sc_meeting", "forum"],
     None, "列席常委会会议或参加代表座谈会", ""),
    ("ART12_GOV_ACTIVITY", "12", "一府一委两院活动", "term", "activities", 2, ["government"], None,
     "列席或参加一府一委两院会议活动", ""),
    ("ART13_TRAINING", "13", "履职学习培训", "year", "activities", 1, ["training"], None,
     "参加履职学习培训", ""),
    ("ART14_GROUP_ACTIVITY", "14", "代表小组活动", "year", "activities", 2, ["group"], None,
     "参加代表小组活动", "collective"),
    ("ART15_VOTERS", "15", "联系选民", "year", "constituents", 5, [], 2,
     "联系的选区选民人数（每人沟通联系次数达到要求）", "contact"),
    ("ART15_SC_LIAISON", "15", "联系代表", "year", "liaison_deputies", 3, [], 2,
     "常委会组成人员联系的代表人数（每人沟通联系次数达到要求）", ""),
    ("ART16_RECEPTION", "16", "家站点接待", "year", "activities", 2, ["reception"], None,
     "参加家站点接待人民群众活动", ""),
    ("ART18_PROPOSAL", "18", "议案建议", "term", "proposals", 2, [], None,
     "领衔或附议提出的议案建议（撤回的不计）", "proposal"),
    ("ART26_REPORT", "26", "向选民述职", "term", "constituency_reports", 1, [], None,
     "向原选区选民报告履职情况", ""),
]  # fmt: skip
FIELDS = ("code", "articles", "short_name", "period", "counts", "quota", "activity_types",
          "times", "description", "art29")  # fmt: skip


def create(apps, schema_editor):
    RuleSet = apps.get_model("supervision", "RuleSet")
    RuleSetRule = apps.get_model("supervision", "RuleSetRule")
    if RuleSet.objects.filter(name=NAME).exists():
        return
    ruleset = RuleSet.objects.create(
        name=NAME,
        source_document=SOURCE,
        effective_date=date(2024, 4, 25),
        reason=REASON,
        status="published",
    )
    rules = [
        RuleSetRule(ruleset=ruleset, order=order, **dict(zip(FIELDS, values, strict=True)))
        for order, values in enumerate(RULES, 1)
    ]
    RuleSetRule.objects.bulk_create(rules)
    # The history starts with the version as created (simple_history's signals do not run in
    # migrations).
    historical = apps.get_model("supervision", "HistoricalRuleSet")
    fields = {f.attname: getattr(ruleset, f.attname) for f in RuleSet._meta.concrete_fields}
    historical.objects.create(
        **fields, history_date=ruleset.created_at, history_type="+", history_change_reason=REASON
    )
    historical_rule = apps.get_model("supervision", "HistoricalRuleSetRule")
    for rule in RuleSetRule.objects.filter(ruleset=ruleset):
        fields = {f.attname: getattr(rule, f.attname) for f in RuleSetRule._meta.concrete_fields}
        historical_rule.objects.create(
            **fields, history_date=ruleset.created_at, history_type="+",
            history_change_reason=REASON,
        )  # fmt: skip


def remove(apps, schema_editor):
    apps.get_model("supervision", "RuleSet").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("supervision", "0009_rulesets")]

    operations = [migrations.RunPython(create, remove)]
