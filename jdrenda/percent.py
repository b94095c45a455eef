"""One rounding rule and one format for every percentage the product shows (pages and
workbooks): the share as a percentage, rounded half up to one decimal (39/40 = 97.5%,
1/16 = 6.25% → 6.3%), written "97.5%". Computed in exact decimals, so no float or banker's
rounding can make two pages disagree. Workbooks store the rounded share as a number with the
format PERCENT_FORMAT, which shows the same text.
"""

from decimal import ROUND_HALF_UP, Decimal

PERCENT_FORMAT = "0.0%"  # the workbook cell format: 0.975 shows as 97.5%
_TENTH = Decimal("0.1")


def percent(part: int, whole: int) -> float | None:
    """part/whole as a percentage rounded half up to one decimal (97.5); None when whole is 0.
    A float so it can be cached and sent to the charts as JSON; it holds the rounded value."""
    if not whole:
        return None
    return float((Decimal(part) * 100 / Decimal(whole)).quantize(_TENTH, ROUND_HALF_UP))


def share(part: int, whole: int) -> float | None:
    """The same rounded percentage as a fraction for a workbook cell (0.975)."""
    value = percent(part, whole)
    return None if value is None else float(Decimal(str(value)) / 100)


def format_percent(value) -> str:
    """A percentage from `percent` as text: "97.5%"; "—" for None."""
    if value is None or value == "":
        return "—"
    return f"{Decimal(str(value)).quantize(_TENTH, ROUND_HALF_UP)}%"
