"""Resource-level rules that the role table alone cannot express."""
from __future__ import annotations

from registry.actor import Actor
from registry.errors import Forbidden
from registry.roles import Role


def ensure_department(actor: Actor, department_code: str, department_name: str) -> None:
    """A submitter works only on its own department's standards; the bureau on any."""
    if actor.role == Role.SUBMITTER and actor.department != department_code:
        raise Forbidden(
            f"部门填报人只能新建或修改本部门（{actor.department}）的标准，该标准属于“{department_name}”",
            code="other_department",
        )


def ensure_role(actor: Actor, allowed: frozenset[Role], what: str) -> None:
    if actor.role not in allowed:
        names = "、".join(sorted(r.value for r in allowed))
        raise Forbidden(f"角色 {actor.role} 不能{what}（允许的角色：{names}）", code="role_forbidden")
