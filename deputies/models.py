"""Terms, delegations, groups, deputies, their time in office, constituents and roles."""

import re
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Term(models.Model):
    """届次: e.g. 第七届 (2022-01-01 to 2026-12-31)."""

    name = models.CharField(_("名称"), max_length=50, unique=True)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("届次")
        verbose_name_plural = _("届次")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gt=F("start_date")), name="term_end_after_start"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def days(self) -> int:
        return (self.end_date - self.start_date).days + 1

    def years(self) -> list[int]:
        return list(range(self.start_date.year, self.end_date.year + 1))

    @classmethod
    def offered_years(cls, today: date | None = None) -> list[int]:
        """The years a year selector offers: those of the terms that exist, up to this year,
        newest first (never a year outside every term). One query."""
        from django.utils import timezone

        this_year = (today or timezone.localdate()).year
        years = set()
        for start, end in cls.objects.values_list("start_date", "end_date"):
            years.update(range(start.year, min(end.year, this_year) + 1))
        return sorted(years, reverse=True)

    @classmethod
    def for_year(cls, year: int) -> "Term | None":
        return (
            cls.objects.filter(start_date__lte=date(year, 12, 31), end_date__gte=date(year, 1, 1))
            .order_by("-start_date")
            .first()
        )


class Delegation(models.Model):
    """代表团: one per town or street (镇/街道)."""

    class Kind(models.TextChoices):
        TOWN = "town", _("镇")
        STREET = "street", _("街道")
        OTHER = "other", _("其他")

    name = models.CharField(_("名称"), max_length=50, unique=True)
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices, default=Kind.OTHER)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("代表团")
        verbose_name_plural = _("代表团")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}  # fmt: skip
_NUMERAL = r"[0-9]+|[零〇一二两三四五六七八九十百]+"
_ORDINAL = re.compile(rf"第({_NUMERAL})")
_ANY_NUMERAL = re.compile(_NUMERAL)


def parse_number(text: str) -> int:
    """An Arabic or Chinese numeral as an int: "12", "十二", "二十", "一百零五"."""
    if text.isdigit():
        return int(text)
    total = current = 0
    for ch in text:
        if ch == "十":
            total, current = total + (current or 1) * 10, 0
        elif ch == "百":
            total, current = total + (current or 1) * 100, 0
        else:
            current = _CN_DIGITS[ch]
    return total + current


def group_number(name: str) -> int:
    """The number in a group's name, for sorting 第二 before 第十: the numeral after 第 (安亭镇
    第十二代表小组 → 12), else the last numeral in the name (南翔二组 → 2); 0 when none."""
    match = _ORDINAL.search(name)
    if match:
        return parse_number(match.group(1))
    numerals = _ANY_NUMERAL.findall(name)
    return parse_number(numerals[-1]) if numerals else 0


class DeputyGroup(models.Model):
    """代表小组, within a delegation, for one term. Listed by delegation, then by the number in
    the name (第一, 第二, …, 第十; text order would put 第三 before 第二), then by name."""

    term = models.ForeignKey(
        Term, on_delete=models.PROTECT, related_name="groups", verbose_name=_("届次")
    )
    delegation = models.ForeignKey(
        Delegation, on_delete=models.PROTECT, related_name="groups", verbose_name=_("代表团")
    )
    name = models.CharField(_("名称"), max_length=80)
    # group_number(name), kept by save() (and set by the bulk creators): the sort order.
    number = models.PositiveIntegerField(_("序号"), default=0, editable=False)
    leader = models.ForeignKey(
        "Deputy",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_groups",
        verbose_name=_("组长"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("代表小组")
        verbose_name_plural = _("代表小组")
        ordering = ["delegation__order", "number", "name"]
        constraints = [
            models.UniqueConstraint(fields=["term", "name"], name="group_unique_name_per_term"),
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A new instance built with a name (also for bulk_create, which skips save()).
        # (__dict__: a deferred name must not be loaded here, one query per row.)
        values = self.__dict__
        if not values.get("number") and values.get("name"):
            self.number = group_number(values["name"])

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.number = group_number(self.name)
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "number"}
        super().save(*args, **kwargs)


class Organiser(models.Model):
    """组织单位: a committee, working body or town People's Congress that organises activities."""

    name = models.CharField(_("名称"), max_length=80, unique=True)
    delegation = models.ForeignKey(
        Delegation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("所属代表团（镇人大）"),
    )

    class Meta:
        verbose_name = _("组织单位")
        verbose_name_plural = _("组织单位")
        ordering = ["name"]

    def __str__(self):
        return self.name


class DeputyQuerySet(models.QuerySet):
    def in_term(self, term):
        return self.filter(term=term)

    def in_office_between(self, start: date, end: date):
        """Deputies with a service period overlapping [start, end].

        Both conditions sit in one filter() so they apply to the same service period (chained
        filters on a multi-valued relation could match two different periods).
        """
        return self.filter(
            Q(service_periods__start_date__lte=end)
            & (Q(service_periods__end_date__isnull=True) | Q(service_periods__end_date__gte=start))
        ).distinct()

    def active_on(self, day: date):
        """Deputies holding office on `day` and not suspended then (Art. 30)."""
        suspended = Suspension.objects.filter(start_date__lte=day).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=day)
        )
        return self.in_office_between(day, day).exclude(pk__in=suspended.values("deputy_id"))

    def in_office_in_year(self, year: int):
        return self.in_office_between(date(year, 1, 1), date(year, 12, 31))


class Deputy(models.Model):
    class Gender(models.TextChoices):
        MALE = "男", _("男")
        FEMALE = "女", _("女")

    term = models.ForeignKey(
        Term, on_delete=models.PROTECT, related_name="deputies", verbose_name=_("届次")
    )
    code = models.CharField(_("代表编号"), max_length=30)
    name = models.CharField(_("姓名"), max_length=50)
    delegation = models.ForeignKey(
        Delegation, on_delete=models.PROTECT, related_name="deputies", verbose_name=_("代表团")
    )
    group = models.ForeignKey(
        DeputyGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("代表小组"),
    )
    gender = models.CharField(_("性别"), max_length=2, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    ethnicity = models.CharField(_("民族"), max_length=20, blank=True)
    political_affiliation = models.CharField(_("政治面貌"), max_length=30, blank=True)
    workplace_title = models.CharField(_("工作单位及职务"), max_length=200, blank=True)
    constituency = models.CharField(_("选区"), max_length=100, blank=True)
    mobile = models.CharField(_("手机号码"), max_length=20, blank=True)
    is_sc_member = models.BooleanField(_("常委会组成人员"), default=False)
    # 拼音首字母 of the name, for search ("zs" finds 张三); kept by deputies.services.
    name_initials = models.CharField(_("姓名拼音首字母"), max_length=50, blank=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deputies",
        verbose_name=_("登录账号"),
    )
    history = HistoricalRecords()

    objects = DeputyQuerySet.as_manager()

    class Meta:
        verbose_name = _("代表")
        verbose_name_plural = _("代表")
        ordering = ["term", "code"]
        constraints = [
            models.UniqueConstraint(fields=["term", "code"], name="deputy_unique_code_per_term"),
            models.UniqueConstraint(fields=["term", "user"], name="deputy_one_account_per_term"),
        ]
        indexes = [models.Index(fields=["delegation", "group"])]

    def __str__(self):
        return f"{self.name}（{self.code}）"

    def clean(self):
        if self.group_id and self.group.delegation_id != self.delegation_id:
            raise ValidationError({"group": _("代表小组不属于该代表的代表团。")})
        if self.group_id and self.group.term_id != self.term_id:
            raise ValidationError({"group": _("代表小组不属于该代表的届次。")})


class ServicePeriod(models.Model):
    """任职期间: from election (or by-election) to the end of office; open end = in office."""

    deputy = models.ForeignKey(
        Deputy, on_delete=models.CASCADE, related_name="service_periods", verbose_name=_("代表")
    )
    start_date = models.DateField(_("任职开始日期"))
    end_date = models.DateField(_("任职结束日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("任职期间")
        verbose_name_plural = _("任职期间")
        ordering = ["deputy", "start_date"]
        constraints = [
            models.UniqueConstraint(fields=["deputy", "start_date"], name="service_unique_start"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="service_end_not_before_start",
            ),
        ]

    def __str__(self):
        return f"{self.deputy} {self.start_date}—{self.end_date or ''}"


class Suspension(models.Model):
    """暂停执行代表职务 (Art. 30); open end = still suspended."""

    deputy = models.ForeignKey(
        Deputy, on_delete=models.CASCADE, related_name="suspensions", verbose_name=_("代表")
    )
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("暂停执行代表职务")
        verbose_name_plural = _("暂停执行代表职务")
        ordering = ["deputy", "start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["deputy", "start_date"], name="suspension_unique_start"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="suspension_end_not_before_start",
            ),
        ]

    def __str__(self):
        return f"{self.deputy} {self.start_date}—{self.end_date or ''}"


class Termination(models.Model):
    """终止代表资格 (Art. 30). Recording one closes the deputy's open service period."""

    class Reason(models.TextChoices):
        RESIGNED = "resigned", _("辞职被接受")
        MOVED = "moved", _("迁出或调离本行政区域")
        NO_ATTENDANCE = "absent", _("未经批准两次不出席本级人民代表大会会议")
        RECALLED = "recalled", _("被罢免")
        NATIONALITY = "nationality", _("丧失中华人民共和国国籍")
        CONVICTED = "convicted", _("依照法律被剥夺政治权利")
        INCAPACITY = "incapacity", _("丧失行为能力")
        DECEASED = "deceased", _("死亡")
        OTHER = "other", _("其他")

    deputy = models.OneToOneField(
        Deputy, on_delete=models.CASCADE, related_name="termination", verbose_name=_("代表")
    )
    date = models.DateField(_("终止日期"))
    reason = models.CharField(_("终止原因"), max_length=20, choices=Reason.choices)
    note = models.TextField(_("说明"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("终止代表资格")
        verbose_name_plural = _("终止代表资格")

    def __str__(self):
        return f"{self.deputy} {self.date} {self.get_reason_display()}"


class Constituent(models.Model):
    """选民 on a deputy's liaison list (Art. 15: at least five per deputy)."""

    deputy = models.ForeignKey(
        Deputy, on_delete=models.CASCADE, related_name="constituents", verbose_name=_("代表")
    )
    name = models.CharField(_("选民姓名"), max_length=50)
    phone = models.CharField(_("选民电话"), max_length=30, blank=True, default="")
    address = models.CharField(_("住址或单位"), max_length=200, blank=True)
    # Set when the retention period (settings.CONSTITUENT_CONTACT_RETENTION_DAYS) ran out and
    # the phone and address were erased, here and in the history rows.
    contact_erased_on = models.DateField(_("联系方式删除日期"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("选民")
        verbose_name_plural = _("选民")
        ordering = ["deputy", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["deputy", "name", "phone"], name="constituent_identity"
            ),
        ]

    def __str__(self):
        return self.name


MAX_LIAISON_DEPUTIES = 6
MIN_LIAISON_DEPUTIES = 3


class LiaisonAssignment(models.Model):
    """常委会组成人员联系代表 (Art. 15): each standing-committee member liaises with 3 to 6."""

    member = models.ForeignKey(
        Deputy,
        on_delete=models.CASCADE,
        related_name="liaison_deputies",
        verbose_name=_("常委会组成人员"),
    )
    deputy = models.ForeignKey(
        Deputy, on_delete=models.CASCADE, related_name="liaison_members", verbose_name=_("联系代表")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("常委会组成人员联系代表")
        verbose_name_plural = _("常委会组成人员联系代表")
        constraints = [
            models.UniqueConstraint(fields=["member", "deputy"], name="liaison_unique_pair"),
            models.CheckConstraint(condition=~Q(member=F("deputy")), name="liaison_not_self"),
        ]

    def __str__(self):
        return f"{self.member.name} → {self.deputy.name}"

    def save(self, *args, **kwargs):
        # The 3-to-6 limit is the regulation's, so it holds however the row is written.
        self.full_clean(validate_unique=False, validate_constraints=False)
        super().save(*args, **kwargs)

    def clean(self):
        if self.member_id and not self.member.is_sc_member:
            raise ValidationError({"member": _("只有常委会组成人员才能分配联系代表。")})
        if self.member_id and self.deputy_id and self.member.term_id != self.deputy.term_id:
            raise ValidationError({"deputy": _("联系代表须与常委会组成人员同届。")})
        if self.member_id:
            others = LiaisonAssignment.objects.filter(member_id=self.member_id)
            if self.pk:
                others = others.exclude(pk=self.pk)
            if others.count() >= MAX_LIAISON_DEPUTIES:
                raise ValidationError(
                    _("每名常委会组成人员最多联系 %(n)s 名代表。") % {"n": MAX_LIAISON_DEPUTIES}
                )


class Role(models.TextChoices):
    OFFICE_STAFF = "office", _("人事代表工委工作人员")
    COMMITTEE_STAFF = "committee", _("专委会/工委工作人员")
    TOWN_STAFF = "town", _("镇（街道）人大工作人员")
    GROUP_LEADER = "group_leader", _("代表小组组长")
    DELEGATION_HEAD = "delegation_head", _("代表团团长")
    SECRETARY_GENERAL = "secretary_general", _("大会秘书长")
    QUALIFICATION = "qualification", _("代表资格审查委员会")
    LEADERSHIP = "leadership", _("常委会领导")
    # 一府一委两院 liaison staff (e.g. 区政府办公室): publish briefings (通报, Art. 23) in the
    # name of their organiser only, and see only those briefings' read receipts.
    LIAISON = "liaison", _("一府一委两院联络员")
    DEPUTY = "deputy", _("代表")


class RoleAssignment(models.Model):
    """One role a user holds, with its scope. A user may hold several.

    A deputy's own role comes from Deputy.user and needs no row here; a group leader's scope
    is the group named here.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="role_assignments",
        verbose_name=_("用户"),
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    delegation = models.ForeignKey(
        Delegation, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("代表团")
    )
    group = models.ForeignKey(
        DeputyGroup, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("代表小组")
    )
    organiser = models.ForeignKey(
        Organiser, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("组织单位")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("角色分配")
        verbose_name_plural = _("角色分配")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role__in=["town", "delegation_head"]) | Q(delegation__isnull=False),
                name="role_town_needs_delegation",
            ),
            models.CheckConstraint(
                condition=~Q(role="group_leader") | Q(group__isnull=False),
                name="role_group_leader_needs_group",
            ),
            models.CheckConstraint(
                condition=~Q(role="committee") | Q(organiser__isnull=False),
                name="role_committee_needs_organiser",
            ),
            models.CheckConstraint(
                condition=~Q(role="liaison") | Q(organiser__isnull=False),
                name="role_liaison_needs_organiser",
            ),
        ]

    def __str__(self):
        scope = self.delegation or self.group or self.organiser or ""
        return f"{self.user} · {self.get_role_display()} {scope}".strip()
