"""Checking an uploaded table without writing: each standard (its rows) against the API's schemas, the
taxonomy and the registry, into a Plan and a report of every problem by row and column."""
from __future__ import annotations

from collections.abc import Callable, Iterator

from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry import spreadsheet as cells
from registry.actor import Actor
from registry.enums import KIND_NAMES, STATUS_NAMES, UNFINISHED_STATUSES
from registry.errors import Forbidden, ValidationFailed
from registry.models import Category, Department, Field, Item, Region, Standard, Version
from registry.services.imports.plan import Existing, ImportReport, Plan, Planned, Progress
from registry.services.items import build_items
from registry.services.permissions import ensure_department, ensure_role
from registry.services.standards import check_period
from registry.services.workflow import ACTIONS
from registry.spreadsheet import COLUMNS, ITEM, Row, RowError, Table
from schemas.standards import ItemSchema, StandardCreateSchema

_HEAD_KEYS = [c.key for c in COLUMNS if c.level != ITEM and c.key != "code"]
_BASIS = ("issuer", "doc_no", "url")
_DATES = ("effective_from", "effective_to")
_PLACES = {"field": Field, "region": Region, "department": Department}
_ORDER = {c.key: i for i, c in enumerate(COLUMNS)}


def validate(session: Session, table: Table, actor: Actor, *, submit: bool = False,
             progress: Progress | None = None) -> Plan:
    """Check every row without writing; the plan's report lists every problem found."""
    if submit:
        ensure_role(actor, ACTIONS["submit"].roles, "导入后提交审核")
    report = ImportReport(rows=len(table.rows))
    checker = _Checker(session, table, actor)
    planned: list[Planned] = []
    if table.complete:
        groups = checker.groups()
        report.standards = len(groups)
        existing = _load_existing(session, list(groups))
        for code, rows in groups.items():
            result = checker.check(code, rows, existing.get(code))
            if result is not None:
                planned.append(result)
            if progress:
                progress(len(rows))
    if table.complete and not table.rows and not table.problems:
        checker.add(1, "", "文件中没有数据行：第 1 行为表头，数据从第 2 行开始")
    report.errors = table.problems + checker.sorted_problems()
    return Plan(report, planned)


def _load_existing(session: Session, codes: list[str]) -> dict[str, Existing]:
    """The standards already registered under these codes, with their latest and unfinished versions."""
    found: dict[str, Existing] = {}
    for chunk in _chunks(codes):
        found |= {s.code: Existing(s) for s in session.scalars(select(Standard).where(Standard.code.in_(chunk)))}
    by_id = {e.standard.id: e for e in found.values()}
    for chunk in _chunks(list(by_id)):
        for version in session.scalars(select(Version).where(Version.standard_id.in_(chunk)).order_by(Version.number)):
            entry = by_id[version.standard_id]
            entry.latest = version.number
            if version.status in UNFINISHED_STATUSES:
                entry.unfinished = version
    return found


def _chunks(values: list, size: int = 500) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


class _Checker:
    """Checks one standard (its rows) at a time against the schemas, the taxonomy and the registry."""

    def __init__(self, session: Session, table: Table, actor: Actor):
        self.table, self.actor = table, actor
        self.found: dict[tuple[int, str], RowError] = {}
        self.taxonomy = _Taxonomy(session)
        self.item_schema = ItemSchema()
        # Each row is loaded on its own (so every bad row is found) and the standard without its
        # items; the validators of the items list complete StandardCreateSchema's rules.
        self.head_schema = StandardCreateSchema(partial=("items",))
        self.items_validators = self.head_schema.fields["items"].validators

    def add(self, row: int, key: str, message: str) -> None:
        self.found.setdefault((row, key), RowError(row, self.table.header(key) if key else "", message))

    def sorted_problems(self) -> list[RowError]:
        return [self.found[k] for k in sorted(self.found, key=lambda k: (k[0], _ORDER.get(k[1], -1)))]

    def groups(self) -> dict[str, list[Row]]:
        groups: dict[str, list[Row]] = {}
        for row in self.table.rows:
            if row.cells["code"] == cells.EXAMPLE_CODE:
                self.add(row.number, "code", "这是模板中的示例行，请删除或改为您的数据后再导入")
            elif row.cells["code"]:
                groups.setdefault(row.cells["code"], []).append(row)
            else:
                self.add(row.number, "code", "必填：标准代码（同一标准的各行都要填写）")
        return groups

    def check(self, code: str, rows: list[Row], existing: Existing | None) -> Planned | None:
        before = len(self.found)
        head, where = self._head(rows)
        items = [self._item(row) for row in rows]
        data = self._load(self.head_schema, self._head_payload(code, head, where),
                          lambda path: (where.get(_head_column(path), rows[0].number), _head_column(path)))
        placement = self._placement(head, where)
        if data is not None:
            self._period(data, where)
        built = self._items_together(rows, items) if None not in items else None
        if placement is not None:
            self._permissions(code, rows[0], placement, existing, head, where)
        if len(self.found) > before:
            return None
        return Planned(code, data, built, placement, existing)

    def _head(self, rows: list[Row]) -> tuple[dict[str, str], dict[str, int]]:
        """Standard- and version-level values: the first filled cell of each column; others must agree."""
        head: dict[str, str] = {}
        where: dict[str, int] = {}
        for row in rows:
            for key in _HEAD_KEYS:
                text = row.cells.get(key, "")
                if not text:
                    continue
                if key not in head:
                    head[key], where[key] = text, row.number
                elif self._canonical(key, text, head) != self._canonical(key, head[key], head):
                    self.add(row.number, key, f"与第 {where[key]} 行不一致：同一标准代码的各行此列应相同（“{head[key]}”），后续行可留空")
        return head, where

    def _canonical(self, key: str, text: str, head: dict[str, str]) -> str:
        if key == "kind":
            return cells.label(cells.KIND_LABELS, text) or text
        if key in _DATES:
            return cells.date_text(text)
        if key not in ("field", "category", "region", "department"):
            return text
        row = self.taxonomy.find(key, text, head.get("field", ""))
        return row.code if row is not None else text

    def _head_payload(self, code: str, head: dict[str, str], where: dict[str, int]) -> dict:
        payload: dict = {"code": code}
        basis = {key: head[key] for key in _BASIS if key in head}
        if basis:
            payload["basis"] = basis
        for key, text in head.items():
            if key in _BASIS:
                continue
            if key == "kind" and cells.label(cells.KIND_LABELS, text) is None:
                self.add(where[key], key, f"未知类型：{text}（可填：{'、'.join(KIND_NAMES.values())}）")
                continue
            value = cells.label(cells.KIND_LABELS, text) if key == "kind" else cells.date_text(text) if key in _DATES else text
            payload["note" if key == "version_note" else key] = value
        return payload

    def _item(self, row: Row) -> dict | None:
        """The row's item as ItemSchema loads it, or None (its problems recorded)."""
        raw: dict = {}
        values = row.cells
        for key, name in (("item_key", "key"), ("item_name", "name"), ("unit", "unit"), ("item_note", "note")):
            if values.get(key):
                raw[name] = values[key]
        if values.get("rule"):
            rule = cells.label(cells.RULE_LABELS, values["rule"])
            if rule is None:
                self.add(row.number, "rule", f"未知规则：{values['rule']}（可填：{'、'.join(cells.RULE_NAMES.values())}）")
            raw["rule"] = rule or values["rule"]
        for key in ("value", "min", "max"):
            if values.get(key):
                raw[key] = cells.amount_text(values[key])
        for key, parse in (("conditions", cells.conditions), ("components", cells.components)):
            try:
                if values.get(key):
                    raw[key] = parse(values[key])
            except ValueError as exc:
                self.add(row.number, key, str(exc))
        return self._load(self.item_schema, raw, lambda path: (row.number, _item_column(path)))

    def _load(self, schema, payload: dict, place: Callable[[list[str]], tuple[int, str]]) -> dict | None:
        try:
            return schema.load(payload)
        except ValidationError as exc:
            for path, message in _flatten(exc.messages):
                self.add(*place(path), message)
            return None

    def _placement(self, head: dict[str, str], where: dict[str, int]) -> dict | None:
        """Field, category, region and department rows, or None when one is missing or unknown."""
        found = {}
        for key in ("field", "category", "region", "department"):
            text = head.get(key)
            if text is None:
                continue  # the schema reports it as required
            found[key] = self.taxonomy.find(key, text, head.get("field", ""))
            if found[key] is None and (key != "category" or found.get("field") is not None):
                self.add(where[key], key, self.taxonomy.unknown(key, text, found.get("field")))
        return found if len(found) == 4 and None not in found.values() else None

    def _period(self, loaded: dict, where: dict[str, int]) -> None:
        try:
            check_period(loaded.get("effective_from"), loaded.get("effective_to"))
        except ValidationFailed as exc:
            self.add(where["effective_to"], "effective_to", exc.message)

    def _items_together(self, rows: list[Row], items: list[dict]) -> list[Item] | None:
        """The version's items, built as the API builds them: the schema's limits on the list, then
        build_items (the number each rule needs, min ≤ max, unique keys)."""
        try:
            for validator in self.items_validators:
                validator(items)
            return build_items(items)
        except ValidationError as exc:
            self.add(rows[0].number, "item_key", "；".join(exc.messages))
        except ValidationFailed as exc:
            for path, messages in (exc.errors or {}).items():
                self.add(*_item_place(rows, path.split(".")), messages[0])
        return None

    def _permissions(self, code: str, first: Row, placement: dict, existing: Existing | None,
                     head: dict[str, str], where: dict[str, int]) -> None:
        department = placement["department"]
        try:
            ensure_department(self.actor, department.code, department.name)
            if existing is not None:
                owner = existing.standard.department
                ensure_department(self.actor, owner.code, owner.name)
        except Forbidden as exc:
            self.add(where["department"], "department", exc.message)
        if existing is not None:
            self._against_registered(code, first, placement, existing, head, where)

    def _against_registered(self, code: str, first: Row, placement: dict, existing: Existing,
                            head: dict[str, str], where: dict[str, int]) -> None:
        if existing.unfinished is not None:
            v = existing.unfinished
            self.add(first.number, "code", f"标准 {code} 已有未完成的版本 v{v.number}（{STATUS_NAMES[v.status]}），"
                                           "请先完成或修改该版本；导入不能再新建版本")
        standard = existing.standard
        registered = {"kind": (standard.kind.value, cells.label(cells.KIND_LABELS, head.get("kind", ""))),
                      "title": (standard.title, head.get("title"))}
        registered |= {key: (getattr(standard, key).code, row.code) for key, row in placement.items()}
        for key, (theirs, mine) in registered.items():
            if mine is not None and theirs != mine:
                self.add(where.get(key, first.number), key, f"与已登记的标准 {code} 不一致（已登记为“{_shown(standard, key)}”）；"
                                                            "导入只新建版本，不修改标准本身")


class _Taxonomy:
    """Fields, categories, regions and departments by code and by name, loaded once per import."""

    def __init__(self, session: Session):
        self.rows = {key: _by_code_and_name(session.scalars(select(model).order_by(model.position, model.id)))
                     for key, model in _PLACES.items()}
        self.categories: dict[tuple[int, str], Category] = {}
        for category in session.scalars(select(Category).order_by(Category.position, Category.id)):
            self.categories.setdefault((category.field_id, category.name), category)
            self.categories[(category.field_id, category.code)] = category

    def find(self, key: str, text: str, field_text: str) -> Field | Category | Region | Department | None:
        if key != "category":
            return self.rows[key].get(text)
        parent = self.rows["field"].get(field_text)
        return None if parent is None else self.categories.get((parent.id, text))

    @staticmethod
    def unknown(key: str, text: str, parent: Field | None) -> str:
        if key == "category":
            return f"领域“{parent.name}”下没有类别：{text}"
        label = {"field": "领域", "region": "区域", "department": "部门"}[key]
        return f"未知{label}：{text}（请从下拉列表选择，或使用 /api/v1/taxonomy 中的名称或代码）"


def _by_code_and_name(rows) -> dict:
    found: dict = {}
    for row in rows:
        found.setdefault(row.name, row)
        found[row.code] = row  # a code wins over another row's identical name, as in resolve()
    return found


def _shown(standard: Standard, key: str) -> str:
    if key == "kind":
        return KIND_NAMES[standard.kind]
    return standard.title if key == "title" else getattr(standard, key).name


def _head_column(path: list[str]) -> str:
    if path[0] == "basis" and len(path) > 1:
        return path[1]
    return {"note": "version_note", "_schema": "code", "items": "item_key", "is_sample": "code"}.get(path[0], path[0])


def _item_column(path: list[str]) -> str:
    return {"key": "item_key", "name": "item_name", "note": "item_note", "_schema": "item_key"}.get(path[0], path[0])


def _item_place(rows: list[Row], path: list[str]) -> tuple[int, str]:
    """items.3.max → (row of the 4th item, "max")."""
    return rows[int(path[1])].number, _item_column(path[2:])


def _flatten(messages, path: tuple[str, ...] = ()) -> Iterator[tuple[list[str], str]]:
    if isinstance(messages, dict):
        for key, value in messages.items():
            yield from _flatten(value, (*path, str(key)))
    elif isinstance(messages, list):
        for message in messages:
            yield from _flatten(message, path) if not isinstance(message, str) else [(list(path) or ["_schema"], message)]
    else:
        yield list(path) or ["_schema"], str(messages)
