"""The registry's closed vocabularies, shared by models, services and schemas."""
from enum import StrEnum


class Kind(StrEnum):
    """The three standards of cost-budget performance management (三个标准)."""

    SERVICE = "service"  # 公共服务标准
    COST_QUOTA = "cost_quota"  # 成本定额标准
    SPENDING = "spending"  # 财政支出标准


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    CONFIRMED = "confirmed"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"
    RETIRED = "retired"


class Rule(StrEnum):
    """How an item's numbers limit a proposal line."""

    CEILING = "ceiling"  # at most max
    FLOOR = "floor"  # at least min
    RANGE = "range"  # between min and max
    FIXED = "fixed"  # exactly value (包干)
    RATE = "rate"  # value × a base amount
    TARGET = "target"  # a service level to reach (non-monetary)


# A version that was once confirmed keeps answering for the dates of its period,
# even after it is superseded or retired: past reviews must stay reproducible.
IN_FORCE_STATUSES = frozenset(
    {Status.CONFIRMED, Status.PUBLISHED, Status.SUPERSEDED, Status.RETIRED}
)
EDITABLE_STATUSES = frozenset({Status.DRAFT, Status.RETURNED})
UNFINISHED_STATUSES = frozenset({Status.DRAFT, Status.SUBMITTED, Status.RETURNED})

# The numbers each rule needs; the others are optional context.
RULE_REQUIRES: dict[Rule, tuple[str, ...]] = {
    Rule.CEILING: ("max",),
    Rule.FLOOR: ("min",),
    Rule.RANGE: ("min", "max"),
    Rule.FIXED: ("value",),
    Rule.RATE: ("value",),
    Rule.TARGET: ("value",),
}

KIND_NAMES = {Kind.SERVICE: "公共服务标准", Kind.COST_QUOTA: "成本定额标准", Kind.SPENDING: "财政支出标准"}
STATUS_NAMES = {
    Status.DRAFT: "草稿",
    Status.SUBMITTED: "已提交待审",
    Status.RETURNED: "已退回修改",
    Status.CONFIRMED: "已确认",
    Status.PUBLISHED: "已印发实施",
    Status.SUPERSEDED: "已被替代",
    Status.RETIRED: "已废止",
}
