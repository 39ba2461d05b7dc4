"""Roles and what each may do: the one authorisation table of the API.

`POLICY` maps every (endpoint, method) under /api/v1 to the roles allowed to call it. An
endpoint missing from the table is refused to everyone, and a test fails until it has a
row, so a new endpoint cannot ship unguarded. Finer rules that depend on the resource
(a submitter edits only its own department's standards) live in `registry.services.permissions`.
"""
from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    READER = "reader"
    SUBMITTER = "submitter"  # bound to one department
    REVIEWER = "reviewer"  # the finance bureau
    INTEGRATION = "integration"  # the budget-management integration system
    ADMIN = "admin"


ROLE_NAMES = {
    Role.READER: "只读用户",
    Role.SUBMITTER: "部门填报人",
    Role.REVIEWER: "财政审核人",
    Role.INTEGRATION: "一体化系统",
    Role.ADMIN: "管理员",
}

EVERYONE = frozenset(Role)
WRITERS = frozenset({Role.SUBMITTER, Role.REVIEWER, Role.ADMIN})
BUREAU = frozenset({Role.REVIEWER, Role.ADMIN})
ADMIN_ONLY = frozenset({Role.ADMIN})

POLICY: dict[tuple[str, str], frozenset[Role]] = {
    ("taxonomy.Taxonomy", "GET"): EVERYONE,
    ("taxonomy.TaxonomyEntries", "POST"): ADMIN_ONLY,
    ("standards.Standards", "GET"): EVERYONE,
    ("standards.Standards", "POST"): WRITERS,
    ("standards.Standard", "GET"): EVERYONE,
    ("standards.Standard", "PUT"): frozenset({Role.INTEGRATION, Role.ADMIN}),
    ("versions.Versions", "GET"): EVERYONE,
    ("versions.Versions", "POST"): WRITERS,
    ("versions.Version", "GET"): EVERYONE,
    ("versions.Version", "PATCH"): WRITERS,
    ("versions.Diff", "GET"): EVERYONE,
    ("versions.History", "GET"): EVERYONE,
    ("workflow.Transitions", "POST"): WRITERS,
    ("workflow.PendingReviews", "GET"): BUREAU,
    ("imports.StandardsTemplate", "GET"): EVERYONE,
    ("imports.StandardsImport", "POST"): WRITERS,
    ("search.Search", "GET"): EVERYONE,
    ("search.Suggest", "GET"): EVERYONE,
    ("compare.Compare", "POST"): frozenset({Role.READER, Role.REVIEWER, Role.INTEGRATION, Role.ADMIN}),
    ("compare.ProposalTemplate", "GET"): EVERYONE,
    ("compare.SavedReview", "GET"): frozenset({Role.READER, Role.REVIEWER, Role.INTEGRATION, Role.ADMIN}),
    ("sync.Changes", "GET"): frozenset({Role.INTEGRATION, Role.REVIEWER, Role.ADMIN}),
    ("sync.Baselines", "GET"): EVERYONE,
    ("tokens.Tokens", "GET"): ADMIN_ONLY,
    ("tokens.Tokens", "POST"): ADMIN_ONLY,
    ("tokens.Token", "DELETE"): ADMIN_ONLY,
}
