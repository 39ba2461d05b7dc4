"""Compare a proposal with the baselines in force on its date: resolve, evaluate, sum up."""
from __future__ import annotations

import gc
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from registry import units
from registry.compare.baselines import Baseline, Baselines
from registry.compare.describe import DescriptionSearches
from registry.compare.lines import parse_line
from registry.compare.rules import ItemFacts, Outcome, cents, evaluate, requested_amount
from registry.models import Region
from registry.services import taxonomy

CLEAR_WIN = Decimal("1.25")  # the best match must score this much above the next to be chosen
MAX_CANDIDATES = 5
DISTRICT = "qingpu"


@dataclass
class Context:
    session: Session
    as_of: date
    region: str | None
    tolerance: Decimal
    baselines: Baselines
    descriptions: DescriptionSearches
    searches: dict  # ranked candidates per distinct (description, filters, unit, conditions)


def compare(session: Session, request: dict) -> dict:
    """The whole answer for a proposal (see the API contract)."""
    with _collector_paused():
        return _compare(session, request)


@contextmanager
def _collector_paused():
    """No cycle collection while one proposal is compared.

    A 10,000-line proposal allocates a few hundred thousand short-lived objects (rows, items,
    decimals, answer dicts), none of them in reference cycles, yet they set off hundreds of
    collector passes, full ones included: a fifth of the time. What cycles the request leaves
    are collected once it is done. Workers run one request at a time (gunicorn sync workers);
    a collector someone else turned off stays off (under a threaded server, a request that
    finishes turns it back on while another may still run: that one just collects again).
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _compare(session: Session, request: dict) -> dict:
    region = taxonomy.resolve(session, Region, request["region"], path="region").code if request.get("region") else None
    applicable = (DISTRICT,) if region in (None, DISTRICT) else (DISTRICT, region)  # a town's standards bind that town only
    context = Context(session, request["as_of"], region, request.get("tolerance_pct") or Decimal(0),
                      Baselines(session, request["as_of"]), DescriptionSearches(session, request["as_of"], applicable), {})
    parsed = [parse_line(raw) for raw in request["lines"]]
    context.baselines.load({line["standard_code"] for line, _ in parsed if line and line.get("standard_code")})
    _search_all(context, [line for line, _ in parsed if line and not line.get("standard_code") and line.get("description")])
    results = []
    for index, (line, error) in enumerate(parsed):
        if error:
            raw = request["lines"][index]
            line_id = raw.get("line_id") if isinstance(raw, dict) else None
            results.append({"line_id": None if line_id is None else str(line_id), "index": index, "error": error})
        else:
            results.append(compare_line(context, line))
    return {
        "as_of": request["as_of"].isoformat(),
        "region": region,
        "tolerance_pct": str(context.tolerance),
        "summary": _summary(results),
        "lines": [r["output"] if "output" in r else r for r in results],
        "versions_used": [{"code": c, "version": v} for c, v in sorted(  # distinct pairs: sorted as the dicts would be
            {(r["output"]["standard_code"], r["output"]["version"]) for r in results if r.get("output", {}).get("version")})],
    }


def compare_line(context: Context, line: dict) -> dict:
    """Resolve the standard, version and item of one line, then evaluate it."""
    baseline, score, candidates, problem = _resolve_standard(context, line)
    if problem:
        return _result(line, problem, baseline=baseline, candidates=candidates)
    item, item_candidates, problem = _pick_item(baseline, line)
    if problem:
        return _result(line, problem, baseline=baseline, candidates=item_candidates)
    outcome = evaluate(line, item, tolerance_pct=context.tolerance, durations=baseline.durations)
    return _result(line, outcome, baseline=baseline, item=item, score=score, requested=outcome.requested)


def _resolve_standard(context: Context, line: dict):
    """(baseline, score, candidates, problem Outcome or None)."""
    code = line.get("standard_code")
    if code:
        baseline = context.baselines.get(code)
        if baseline is None:
            return None, None, [], Outcome("no_standard", message=context.baselines.missing[code])
        return baseline, None, [], None
    if not line.get("description"):
        return None, None, [], Outcome("no_standard", message="请提供 standard_code，或用 description 描述支出内容以便检索标准")
    ranked = _candidates(context, line)
    if not ranked:
        return None, None, [], Outcome("no_standard", message=f"在 {context.as_of.isoformat()} 生效的标准中未找到与“{line['description']}”匹配且单位相容的标准")
    top = ranked[0]
    if len(ranked) == 1 or top[1] >= ranked[1][1] * CLEAR_WIN:
        return top[0], top[1], [], None  # an undecided tier is reported by the item step
    listed = [{"code": b.code, "title": b.title, "item_key": i.key if i else None, "score": round(float(s), 4)}
              for b, s, i in ranked[:MAX_CANDIDATES]]
    return None, None, listed, Outcome("ambiguous", message=f"“{line['description']}”匹配到 {len(ranked)} 个标准，请指定 standard_code")


def _candidates(context: Context, line: dict) -> list[tuple[Baseline, Decimal, ItemFacts]]:
    """Standards in force that the description finds and whose units fit, best first."""
    key = _line_key(line)
    if key in context.searches:
        return context.searches[key]
    ranked = []
    for hit in context.descriptions.hits(line):
        baseline = context.baselines.get(hit.document["code"])
        if baseline is None:
            continue
        item, _, problem = _pick_item(baseline, line)
        if not problem or problem.verdict == "ambiguous":  # a good match with several tiers stays a candidate
            ranked.append((baseline, Decimal(str(hit.score)), item))
    if context.region and context.region != DISTRICT:
        local = {b.category_id for b, _, _ in ranked if b.region == context.region}
        ranked = [r for r in ranked if r[0].region == context.region or r[0].category_id not in local]
    context.searches[key] = ranked
    return ranked


def _line_key(line: dict) -> tuple:
    return (line["description"], line.get("field"), line.get("category"), line["unit"],
            tuple(sorted((line.get("conditions") or {}).items())))


def _search_all(context: Context, lines: list[dict]) -> None:
    """Search each distinct description once, then load every candidate standard in one go."""
    for line in lines:
        context.descriptions.hits(line)
    context.baselines.load(context.descriptions.found_codes())


def _pick_item(baseline: Baseline, line: dict):
    """(item, candidates, problem): by key, by conditions, else the one that fits the unit."""
    comparable = baseline.comparable
    if line.get("item_key"):
        item = baseline.by_key.get(line["item_key"])
        if item is None:
            keys = "、".join(i.key for i in comparable)
            return None, [], Outcome("no_standard", message=f"标准 {baseline.code} v{baseline.version} 没有条目 {line['item_key']}（可选：{keys}）")
        return item, [], None
    conditions = line.get("conditions") or {}
    if conditions:
        given = conditions.items()
        matching = [i for i in comparable if i.conditions and i.conditions.items() <= given]  # every tier condition agrees
        if not matching:
            tiers = "；".join(_describe(i.conditions) for i in comparable if i.conditions) or "无"
            return None, [], Outcome("no_standard", message=f"标准 {baseline.code} 没有与条件 {_describe(conditions)} 相符的条目（可选：{tiers}）")
        comparable = matching
    fitting = [i for i in comparable if _fits(i, line["unit"])]
    if len(fitting) > 1 and line.get("description"):
        fitting = _named_in(fitting, line["description"])
    if len(fitting) == 1:
        return fitting[0], [], None
    if not fitting:
        units_seen = "、".join(sorted({i.unit for i in comparable}))
        return None, [], Outcome("unit_mismatch", message=f"单位不兼容：申报为 {line['unit']}，标准 {baseline.code} 的条目单位为 {units_seen}")
    listed = [{"code": baseline.code, "title": baseline.title, "item_key": i.key, "score": None} for i in fitting[:MAX_CANDIDATES]]
    return None, listed, Outcome("ambiguous", message=f"标准 {baseline.code} 有 {len(fitting)} 个条目适用，请用 item_key 或 conditions 指定")


def _named_in(items: list[ItemFacts], description: str) -> list[ItemFacts]:
    """The items whose tier values or name the description mentions most ("二类会议" → 二类)."""
    def mentions(item: ItemFacts) -> int:
        return sum(1 for v in item.conditions.values() if v in description) + (item.name in description)

    best = max(mentions(i) for i in items)
    return [i for i in items if mentions(i) == best] if best else items


def _fits(item: ItemFacts, unit: str) -> bool:
    if item.rule == "rate":
        try:
            return units.parse(unit).money_factor is not None
        except units.UnknownUnit:
            return False
    try:
        return units.parse(item.unit).compatible(units.parse(unit))
    except units.UnknownUnit:
        return False


def _describe(conditions: dict) -> str:
    return "、".join(f"{k}={v}" for k, v in conditions.items())


def _result(line: dict, outcome: Outcome, *, baseline: Baseline | None = None, item: ItemFacts | None = None,
            score: Decimal | None = None, candidates: list | None = None, requested: Decimal | None = None) -> dict:
    if requested is None:  # evaluate() has worked it out already; every line asks for money, resolved or not
        requested = requested_amount(line)
    limit = None
    if outcome.limit_min is not None or outcome.limit_max is not None:
        limit = {"min": None if outcome.limit_min is None else cents(outcome.limit_min),
                 "max": None if outcome.limit_max is None else cents(outcome.limit_max), "unit": line["unit"]}
    resolved = baseline is not None and item is not None
    output = {
        "line_id": line["line_id"],
        "verdict": outcome.verdict,
        "standard_code": baseline.code if resolved else None,
        "version": baseline.version if resolved else None,
        "item_key": item.key if item is not None else None,
        "doc_no": baseline.doc_no if resolved else None,
        "limit": limit,
        "quantity": cents(line["quantity"]) if "quantity" in line else None,
        "unit_price": cents(line["unit_price"]),
        "deviation_pct": None if outcome.deviation_pct is None else cents(outcome.deviation_pct),
        "requested_amount": cents(requested),
        "excess_amount": cents(outcome.excess),
        "components": outcome.components,
        "candidates": candidates or [],
        "message": outcome.message,
    }
    if score is not None:
        output["score"] = round(float(score), 4)
    return {"output": output, "allowed": outcome.allowed, "requested": requested, "excess": outcome.excess}


def _summary(results: list[dict]) -> dict:
    compared = [r for r in results if "output" in r]
    verdicts = Counter(r["output"]["verdict"] for r in compared)
    return {
        "lines": len(results),
        "requested_amount": cents(sum((r["requested"] for r in compared), Decimal(0))),
        "allowed_amount": cents(sum((r["allowed"] for r in compared if r["allowed"] is not None), Decimal(0))),
        "excess_amount": cents(sum((r["excess"] for r in compared), Decimal(0))),
        "by_verdict": dict(sorted(verdicts.items())),
        "errors": len(results) - len(compared),
    }
