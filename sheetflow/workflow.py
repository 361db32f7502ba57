"""The workflow definition: an SOP as data, validated when loaded.

The engine reads columns, statuses, transitions, checks and deadlines from here and
nothing else; ``workflows/*.toml`` hold the definitions that ship with sheetflow.
"""

from __future__ import annotations

import re
import tomllib
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator, model_validator

from . import memo
from .errors import WorkflowInvalid
from .resources import DEFAULT_WORKFLOW
from .resources import workflow as bundled_workflow

Key = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
Colour = Annotated[str, Field(pattern=r"^[0-9A-Fa-f]{6}$")]

CONDITION = re.compile(
    r"^(?:(?P<op>filled|empty|set|unset|urls|chosen|differs):(?P<col>[a-z0-9_]+)"
    r"|is:(?P<is_col>[a-z0-9_]+)=(?P<value>.+)"
    r"|(?P<bare>valid|invalid|changed|unchanged))$"
)


class ColumnType(StrEnum):
    TEXT = "text"
    DATE = "date"
    DATETIME = "datetime"
    WHOLE = "whole"
    CHOICE = "choice"
    FLAG = "flag"
    URLS = "urls"
    NARRATIVE = "narrative"


class Group(StrEnum):
    SUBMISSION = "submission"
    REVIEW = "review"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Column(_Model):
    key: Key
    header: str = Field(min_length=1)
    filled_by: Key
    type: ColumnType
    group: Group | None = None
    choices: tuple[str, ...] = ()
    min: int | None = None
    min_length: int | None = Field(default=None, ge=1)
    max_length: int | None = Field(default=None, ge=1)
    not_after_today: bool = False
    hidden: bool = False
    # A system column a register may lack: when its header is missing, sync leaves it out.
    optional: bool = False
    # A urls column that may also name a folder on disk or the office network (Excel registers).
    folders: bool = False
    width: float = Field(default=14, gt=0)

    @model_validator(mode="after")
    def _choices_match_type(self) -> Column:
        if (self.type is ColumnType.CHOICE) != bool(self.choices):
            raise ValueError("choices are given exactly for columns of type 'choice'")
        return self

    @property
    def is_system(self) -> bool:
        return self.filled_by == "system"


class Status(_Model):
    key: Key
    label: str = Field(min_length=1)
    colour: Colour
    step: int | None = None
    hint: str | None = None
    shows_findings: bool = False
    # Notifications: who must act while a row is here, the event of arriving here, and
    # the column that says why (none: the history entry's reason).
    acts: Key | None = None
    announces: Literal["review_needed", "fix_needed", "rejected", "approved"] | None = None
    announce_detail: Key | None = None


class Requirement(_Model):
    condition: str
    finding: str
    column: Key


class Transition(_Model):
    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    from_: tuple[Key, ...] = Field(alias="from")
    to: Key | None = None  # none: the row stays where it is (a correction, logged and recorded)
    when: tuple[str, ...] = ()
    requires: tuple[Requirement, ...] = ()
    actor: Key
    actor_column: Key | None = None
    handover: bool = False
    stamp: tuple[Key, ...] = ()
    reset: tuple[Key, ...] = ()
    clear: tuple[Key, ...] = ()
    archive: Group | None = None
    # The group's values as they stand go into the history entry (``Arsip``), kept in the
    # row: what was decided, so a later change of it can be told.
    record: Group | None = None
    increment: Key | None = None
    record_fingerprint: bool = False


class Check(_Model):
    finding: str
    column: Key
    in_: tuple[Key, ...] = Field(alias="in")
    when: tuple[str, ...]
    log: bool = False


class Deadline(_Model):
    stamp: Key
    label: str
    due: Key  # a date column, or "handover": the day of the latest hand-over
    awaited_in: tuple[Key, ...] = ()


class Recap(_Model):
    group_by: Key | None = None  # a second table per value of this column (e.g. per team)
    reason: Key | None = None  # the column holding why a row was rejected


class Evidence(_Model):
    """The photos and videos behind a links column, counted when a row is handed over."""

    links: Key
    typed: Key | None = None  # the count the team typed; its ``min`` is the SOP's minimum
    verified: Key | None = None  # where the count is written (an optional system column)
    shown_in: tuple[Key, ...] = ()  # statuses whose notes show the count and its findings


class Sheets(_Model):
    register_: str = Field(default="Register", alias="register")
    history: str = "Riwayat"
    recap: str = "Rekap"
    guide: str = "Petunjuk"


class Workflow(_Model):
    id: str
    title: str
    sop_number: str
    timezone: str
    language: Literal["id", "en"] = "id"
    number_format: str
    name_column: Key  # the column that names a row for people (in messages and print)
    datetime_format: str
    date_format: str
    sheets: Sheets = Sheets()
    recap: Recap = Recap()
    roles: dict[Key, str]
    columns: tuple[Column, ...]
    statuses: tuple[Status, ...]
    transitions: tuple[Transition, ...]
    checks: tuple[Check, ...] = ()
    deadlines: tuple[Deadline, ...] = ()
    # People's columns a pasted copy of a row must not inherit (another row's decision or
    # upload): archived to the history as the copy's first entry, then cleared.
    not_inherited: tuple[Key, ...] = ()
    evidence: Evidence | None = None
    _definition: str = PrivateAttr(default="")

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @field_validator("number_format")
    @classmethod
    def _number_format_has_fields(cls, value: str) -> str:
        try:
            value.format(year=2024, seq=1)
        except (KeyError, IndexError, ValueError):
            raise ValueError("must use only {year} and {seq}") from None
        return value

    @model_validator(mode="after")
    def _references_resolve(self) -> Workflow:
        columns = {c.key for c in self.columns}
        statuses = {s.key for s in self.statuses}
        required_columns = {"register_no", "status", "notes", "fingerprint"}
        problems = [f"columns: missing the system column '{k}'" for k in sorted(required_columns - columns)]
        if self.name_column not in columns:
            problems.append(f"name_column: unknown column '{self.name_column}'")
        problems += [f"recap.{name}: unknown column '{key}'" for name, key in self.recap if key and key not in columns]
        for status in self.statuses:
            if status.acts and status.acts not in self.roles:
                problems.append(f"statuses[{status.key}].acts: unknown role '{status.acts}'")
            if status.announce_detail and status.announce_detail not in columns:
                problems.append(f"statuses[{status.key}].announce_detail: unknown column '{status.announce_detail}'")
        problems += [f"roles: unknown role '{c.filled_by}' in column '{c.key}'"
                     for c in self.columns if c.filled_by not in self.roles]
        for t in self.transitions:
            where = f"transitions[{t.id}]"
            problems += [f"{where}.from: unknown status '{s}'" for s in t.from_ if s not in statuses]
            if t.to is not None and t.to not in statuses:
                problems.append(f"{where}.to: unknown status '{t.to}'")
            if t.to is None and not (t.from_ and t.record):
                problems.append(f"{where}.to: only a transition from a status that records may leave out 'to'")
            if t.archive and t.record:
                problems.append(f"{where}: archive and record both write Arsip; choose one")
            if t.actor not in self.roles:
                problems.append(f"{where}.actor: unknown role '{t.actor}'")
            named = [*t.stamp, *t.reset, *t.clear, *filter(None, [t.actor_column, t.increment])]
            problems += [f"{where}: unknown column '{k}'" for k in named if k not in columns]
            conditions = [*t.when, *(r.condition for r in t.requires)]
            problems += [f"{where}: {p}" for c in conditions for p in _condition_problems(c, columns)]
        for i, check in enumerate(self.checks):
            where = f"checks[{i}]"
            problems += [f"{where}.in: unknown status '{s}'" for s in check.in_ if s not in statuses]
            problems += [f"{where}: {p}" for c in check.when for p in _condition_problems(c, columns)]
        system = {c.key for c in self.columns if c.is_system}
        for key in self.not_inherited:
            if key not in columns:
                problems.append(f"not_inherited: unknown column '{key}'")
            elif key in system:
                problems.append(f"not_inherited: '{key}' is a system column (those always start empty on a copy)")
        if self.evidence:
            named = filter(None, [self.evidence.links, self.evidence.typed, self.evidence.verified])
            problems += [f"evidence: unknown column '{k}'" for k in named if k not in columns]
            problems += [f"evidence.shown_in: unknown status '{s}'" for s in self.evidence.shown_in
                         if s not in statuses]
        problems += [f"columns[{c.key}].optional: only a system column may be optional"
                     for c in self.columns if c.optional and not c.is_system]
        problems += [f"columns[{c.key}].optional: the engine needs this column"
                     for c in self.columns if c.optional and c.key in required_columns]
        for i, d in enumerate(self.deadlines):
            if d.stamp not in columns:
                problems.append(f"deadlines[{i}].stamp: unknown column '{d.stamp}'")
            if d.due != "handover" and d.due not in columns:
                problems.append(f"deadlines[{i}].due: unknown column '{d.due}'")
        if not any(not t.from_ for t in self.transitions):
            problems.append("transitions: none starts a new row (a transition with from = [])")
        if len(columns) != len(self.columns) or len(statuses) != len(self.statuses):
            problems.append("columns and statuses need unique keys")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @cached_property
    def column(self) -> dict[str, Column]:
        return {c.key: c for c in self.columns}

    @cached_property
    def status(self) -> dict[str, Status]:
        return {s.key: s for s in self.statuses}

    @cached_property
    def status_by_label(self) -> dict[str, Status]:
        return {fold(s.label): s for s in self.statuses}

    def group(self, group: Group) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.group is group)

    @cached_property
    def dated_by(self) -> str | None:
        """The submission's date column (the activity's day): numbering, Rekap and print go by it."""
        return next((c.key for c in self.columns if c.type is ColumnType.DATE and c.group is Group.SUBMISSION), None)

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def adjusted(self, *, timezone: str | None = None, language: str | None = None) -> Workflow:
        """The same workflow for a register in another time zone or language."""
        changes = {k: v for k, v in {"timezone": timezone, "language": language}.items() if v}
        if not changes:
            return self
        adjusted = Workflow.model_validate({**self.model_dump(by_alias=True), **changes})
        adjusted._definition = memo.definition(self.definition, **changes)
        return adjusted

    @property
    def definition(self) -> str:
        """Names this definition for the memo: the text it was loaded from, else its content."""
        return self._definition or memo.definition(self.model_dump_json())

    @property
    def start(self) -> Transition:
        return next(t for t in self.transitions if not t.from_)


def _condition_problems(condition: str, columns: set[str]) -> list[str]:
    match = CONDITION.match(condition)
    if not match:
        return [f"unknown condition '{condition}'"]
    column = match["col"] or match["is_col"]
    return [f"unknown column '{column}' in condition '{condition}'"] if column and column not in columns else []


def fold(text: str) -> str:
    """How headers and dropdown values are compared: case and outer spaces ignored."""
    return " ".join(text.split()).casefold()


def load_workflow(source: str | Path = DEFAULT_WORKFLOW) -> Workflow:
    """Load a workflow by the name of a bundled definition or a path to a TOML file."""
    path = Path(source)
    if path.suffix == ".toml":
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise WorkflowInvalid(f"Cannot read workflow file {path}: {exc.strerror}") from exc
    else:
        bundled = bundled_workflow(str(source))
        if not bundled.is_file():
            raise WorkflowInvalid(f"No bundled workflow named {source!r}")
        text = bundled.read_text(encoding="utf-8")
        path = Path(str(bundled))
    try:
        workflow = Workflow.model_validate(tomllib.loads(text))
    except tomllib.TOMLDecodeError as exc:
        raise WorkflowInvalid(f"{path.name}: not valid TOML: {exc}") from exc
    except ValidationError as exc:
        raise WorkflowInvalid(f"{path.name}: {_describe(exc)}") from exc
    workflow._definition = memo.definition(text)
    return workflow


def _describe(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in err['loc']) or 'definition'}: {err['msg']}" for err in exc.errors()
    )
