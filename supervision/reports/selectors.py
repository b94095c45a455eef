"""Reads for the evaluation page: the year's figures as of a date."""

from jdrenda.percent import percent
from supervision.evaluation.compliance import Status, evaluate_year


def evaluation_summary(year: int, term, as_of) -> dict:
    """How many deputies met every rule, fell short, are still in progress, are Art. 29
    candidates, and each rule's attainment rate, as of `as_of` (a running year: 进行中/预警,
    no 未达标 and no candidates)."""
    result = evaluate_year(year, term, as_of=as_of)
    overall = [row.overall for row in result.rows]
    rates = []
    for rule in result.rules:
        met, applicable = result.rate(rule)
        rates.append((rule, met, applicable, percent(met, applicable)))
    return {
        "deputy_count": len(result.rows),
        "met_all": overall.count(Status.MET),
        "shortfall_count": overall.count(Status.SHORTFALL),
        "open_count": overall.count(Status.IN_PROGRESS) + overall.count(Status.WARNING),
        "running": result.running,
        "candidate_count": sum(1 for row in result.rows if row.interview_candidate),
        "rates": rates,
        "rule_version": result.version,
    }
