"""One typed payload per event kind, its version, and the upcasters that read older versions.

An event's payload travels as a JSON object; `parse_payload` turns it into the kind's dataclass or
refuses it with a reason the operator can read. Fields a newer seat added that this code does not
know are ignored (the stored JSON keeps them), so an older centre accepts a newer seat's event.
A field sent as null counts as absent. Pure: no I/O.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Union

from console.domain.channels import PHONE
from console.domain.kinds import Kind
from console.domain.limits import raw_problem


class PayloadError(ValueError):
    """A payload that does not have its kind's shape; `reason` is shown as it is."""

    def __init__(self, reason: str, code: str = "payload") -> None:
        super().__init__(reason)
        self.reason, self.code = reason, code


@dataclass(frozen=True)
class Created:
    disposition: str
    # v2: the channel it came by (console/domain/channels.py), and for a written channel the
    # original message's id and text; a v1 payload is read as a phone call (its upcaster)
    channel: str
    channel_message_id: str = ""
    channel_text: str = ""
    caller_name: str = ""
    caller_title: str = ""
    phone: str = ""
    address: str = ""
    description: str = ""
    nature: str = ""
    content_path: list[str] = field(default_factory=list)
    reply_wanted: bool = False
    reply_method: str = ""
    urgent: bool = False
    confidential: bool = False
    leader_day: bool = False
    complexity: str = "general"
    call_time: str = ""
    reason: str = ""
    kb_article: str = ""
    answer: str = ""
    trainee_no: str = ""
    # forbidden phrases the form warned about during the call (the agent saw the warning)
    phrasing_warnings: list[str] = field(default_factory=list)
    # what the console saw of the call: panel lines shown, holds, hold phrases confirmed
    # (console/domain/call_log.py); read by the quality inspection, not folded into the order
    call_log: list[dict[str, Any]] = field(default_factory=list)
    # M-04: the caller complained about hotline staff (the form's 投诉话务员). Added without a
    # version bump: absent means false, and an older reader ignores it and keeps it in the JSON.
    staff_complaint: bool = False
    # the telephone system's id of the call the form was popped for (issue 14's screen pop), so
    # the quality inspection finds the order by its call. Added without a version bump: absent
    # means "" (typed by hand, or recorded before), and an older reader keeps it in the JSON.
    call_id: str = ""


@dataclass(frozen=True)
class CallEnded:
    """The end of the call an order was saved on: the marks the console made after the save (the
    closing line shown and said, a hold) and the call's length, both in seconds since the form
    started, as in the created payload's call_log (console/domain/call_log.py). Changes no state."""

    seconds: int
    marks: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Amended:
    """Only the fields given change; None = not given."""

    caller_name: str | None = None
    caller_title: str | None = None
    phone: str | None = None
    address: str | None = None
    description: str | None = None
    nature: str | None = None
    content_path: list[str] | None = None
    reply_wanted: bool | None = None
    reply_method: str | None = None
    urgent: bool | None = None
    confidential: bool | None = None
    leader_day: bool | None = None
    complexity: str | None = None

    def given(self) -> dict[str, object]:
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if getattr(self, f.name) is not None}


# The order fields an intake sets (created / amended), in one place.
ORDER_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Amended))


@dataclass(frozen=True)
class Resubmitted:
    note: str = ""


@dataclass(frozen=True)
class AnsweredDirectly:
    answer: str
    kb_article: str = ""


@dataclass(frozen=True)
class ReturnedToIntake:
    reason: str = ""
    kb_article: str = ""
    department: str = ""


@dataclass(frozen=True)
class Escalated:
    reason: str
    to_supervision: bool = False


@dataclass(frozen=True)
class ReportedToLeader:
    summary: str = ""
    instruction: str = ""


@dataclass(frozen=True)
class ThreeWayCallLogged:
    unit: str
    consent: bool
    outcome: str  # resolved | transfer
    attempts: list[dict[str, Any]] = field(default_factory=list)
    notes: str = ""


@dataclass(frozen=True)
class Dispatched:
    lead_unit: str
    assist_units: list[str] = field(default_factory=list)
    complexity: str = ""
    note: str = ""
    fence: int = 0  # the centre's lease fencing number it was made under (0: none, e.g. offline)
    # R-26 working days, decided once when recorded (console/domain/recording.py) so every fold
    # agrees; 0 = an event recorded before this field: the fold asks the rules, as it did then.
    limit_days: int = 0


@dataclass(frozen=True)
class Redispatched(Dispatched):
    pass


@dataclass(frozen=True)
class UnitReturned:
    reason: str


@dataclass(frozen=True)
class ExtensionRequested:
    days: int
    reason: str


@dataclass(frozen=True)
class SupervisionNotice:
    notice_no: str
    leader_form_signed: bool


@dataclass(frozen=True)
class ExtensionDecided:
    approve: bool
    reason: str = ""
    days: int = 0  # 0 = the days asked for


@dataclass(frozen=True)
class UnitReplied:
    reply: str
    # v2: the reply waits for the county office's review (审核反馈真实性) before it goes to callback.
    # A v1 reply (recorded before the review existed) went straight to callback and still folds so.
    review: bool = True


@dataclass(frozen=True)
class ReplyReviewed:
    """A dispatcher or lead accepts a unit's reply (on to callback) or sends it back to the unit.
    Sending back names a ground (console.domain.reply_review.SEND_BACK_GROUNDS) and, for
    "other", the reviewer's own words."""

    accept: bool
    ground: str = ""
    reason: str = ""


@dataclass(frozen=True)
class CallbackAttempted:
    outcome: str
    number: str = ""


@dataclass(frozen=True)
class CallbackDone:
    result: str
    words: str = ""


@dataclass(frozen=True)
class CallbackUndone:
    """The last callback result recorded on the order is taken back (a wrong key, a misheard answer)."""

    note: str = ""


@dataclass(frozen=True)
class Rework:
    reason: str


@dataclass(frozen=True)
class Supervised:
    reason: str
    note: str = ""


@dataclass(frozen=True)
class ProgressInquiry:
    note: str = ""


@dataclass(frozen=True)
class MergedInto:
    target: str
    note: str = ""


@dataclass(frozen=True)
class Unmerged:
    note: str = ""


@dataclass(frozen=True)
class Note:
    text: str


@dataclass(frozen=True)
class TypicalMarked:
    """The supervision office marks an order as one of the month's typical cases (with why), or
    takes it off the list (typical false)."""

    note: str = ""
    typical: bool = True


@dataclass(frozen=True)
class Revealed:
    field: str  # a console.domain.privacy.CallerField value
    reason: str


@dataclass(frozen=True)
class Closed:
    reason: str


@dataclass(frozen=True)
class Imported:
    """A historical order as the system it came from recorded it (`hotline orders import`): the
    first event of its order, whose number is the original id (or mapped). Times are ISO 8601 China
    wall time; `closed` False leaves it open with the status its record implies."""

    original_id: str
    taken_at: str
    channel: str
    description: str
    title: str = ""
    nature: str = ""
    content_path: list[str] = field(default_factory=list)
    address: str = ""
    caller_name: str = ""
    caller_title: str = ""
    phone: str = ""
    anonymous: bool = False  # history may hold callers who gave no name or number
    confidential: bool = False
    unit: str = ""  # the lead unit's code in this console's directory
    reply: str = ""
    replied_at: str = ""
    closed: bool = False
    closed_at: str = ""
    transfers: int = 0
    source: str = ""  # the file it came from


Payload = Union[  # noqa: UP007 - a runtime alias, read by isinstance() in tests
    Created, Amended, Resubmitted, AnsweredDirectly, ReturnedToIntake, Escalated, ReportedToLeader,
    ThreeWayCallLogged, Dispatched, UnitReturned, ExtensionRequested, SupervisionNotice, ExtensionDecided,
    UnitReplied, ReplyReviewed, CallbackAttempted, CallbackDone, CallbackUndone, Rework, Supervised, ProgressInquiry,
    MergedInto, Unmerged, Note, Revealed, Closed, Imported, TypicalMarked, CallEnded,
]

PAYLOAD_TYPES: dict[str, type[Any]] = {
    Kind.CREATED: Created,
    Kind.AMENDED: Amended,
    Kind.RESUBMITTED: Resubmitted,
    Kind.ANSWERED_DIRECTLY: AnsweredDirectly,
    Kind.RETURNED_TO_INTAKE: ReturnedToIntake,
    Kind.ESCALATED: Escalated,
    Kind.REPORTED_TO_LEADER: ReportedToLeader,
    Kind.THREE_WAY_CALL_LOGGED: ThreeWayCallLogged,
    Kind.DISPATCHED: Dispatched,
    Kind.UNIT_RETURNED: UnitReturned,
    Kind.REDISPATCHED: Redispatched,
    Kind.EXTENSION_REQUESTED: ExtensionRequested,
    Kind.SUPERVISION_NOTICE: SupervisionNotice,
    Kind.EXTENSION_DECIDED: ExtensionDecided,
    Kind.UNIT_REPLIED: UnitReplied,
    Kind.REPLY_REVIEWED: ReplyReviewed,
    Kind.CALLBACK_ATTEMPTED: CallbackAttempted,
    Kind.CALLBACK_DONE: CallbackDone,
    Kind.CALLBACK_UNDONE: CallbackUndone,
    Kind.REWORK: Rework,
    Kind.SUPERVISED: Supervised,
    Kind.PROGRESS_INQUIRY: ProgressInquiry,
    Kind.MERGED_INTO: MergedInto,
    Kind.UNMERGED: Unmerged,
    Kind.NOTE: Note,
    Kind.REVEALED: Revealed,
    Kind.CLOSED: Closed,
    Kind.IMPORTED: Imported,
    Kind.TYPICAL_MARKED: TypicalMarked,
    Kind.CALL_ENDED: CallEnded,
}

# -- versions ---------------------------------------------------------------------------------
# A payload carries "v" when its version is above 1. A change to a kind's fields that an older
# reader would misread bumps its version here and adds an upcaster from the version before, so
# every stored event, however old, is read as the current shape.

VERSION_KEY = "v"
PAYLOAD_VERSIONS: dict[str, int] = {**dict.fromkeys(PAYLOAD_TYPES, 1), Kind.CREATED: 2}
Upcaster = Callable[[dict[str, Any]], dict[str, Any]]


def _created_v1(data: dict[str, Any]) -> dict[str, Any]:
    """created v1 -> v2: before channels every order was taken on the phone (v2 must name its channel)."""
    return {**data, "channel": PHONE}


UPCASTERS: dict[tuple[str, int], Upcaster] = {  # (kind, from version) -> the next version's dict
    (Kind.CREATED, 1): _created_v1,
}


# unit_replied v2 (issue 16): replies are reviewed before callback; a v1 reply was not.
PAYLOAD_VERSIONS[Kind.UNIT_REPLIED] = 2
UPCASTERS[(Kind.UNIT_REPLIED, 1)] = lambda d: {**d, "review": False}
# Kinds whose current version is a rule of the moment they are recorded, stamped on whatever a
# writer sends (a reply recorded now goes to review). Other kinds' versions describe the shape:
# a payload without "v" (a created without a channel) is the older shape and is upcast as such.
STAMPED_WHEN_RECORDED = frozenset({Kind.UNIT_REPLIED})


def recorded_version(kind: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """The payload as the store records it now: stamped with the current version where that is a
    rule of the moment (STAMPED_WHEN_RECORDED), otherwise as the writer shaped it."""
    return versioned(kind, data) if kind in STAMPED_WHEN_RECORDED else dict(data)


def versioned(kind: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """The payload as a writer records it: marked with its kind's current version when above 1
    (a payload without "v" is read as version 1)."""
    out = dict(data)
    current = PAYLOAD_VERSIONS.get(kind, 1)
    if current > 1 and VERSION_KEY not in out:
        out[VERSION_KEY] = current
    return out


def upcast(kind: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """The payload as the current version of its kind (a version from the future is read as is)."""
    out = dict(data)
    version = out.pop(VERSION_KEY, 1)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise PayloadError(f"事件内容版本不对：{version!r}")
    current = PAYLOAD_VERSIONS.get(kind, 1)
    while version < current:
        out = UPCASTERS[(kind, version)](out)
        version += 1
    return out


def parse_payload(kind: str, data: object) -> Any:
    """The typed payload of `kind` from its JSON object, or PayloadError."""
    model = PAYLOAD_TYPES.get(kind)
    if model is None:
        raise PayloadError(f"未知的事件类型：{kind}", "unknown_kind")
    if not isinstance(data, Mapping):
        raise PayloadError("事件内容应为对象")
    bad = raw_problem(data)
    if bad:
        raise PayloadError(bad[1], bad[0])
    values = upcast(kind, data)
    hints = _hints(model)
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(model):
        value = values.get(f.name)
        if value is None:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise PayloadError(f"缺少字段：{f.name}")
            continue
        kwargs[f.name] = _check(f.name, value, hints[f.name])
    return model(**kwargs)


def payload_dict(payload: Any) -> dict[str, Any]:
    """The JSON object of a typed payload: fields at their default are left out, as a seat sends them."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(payload):
        value = getattr(payload, f.name)
        default = f.default if f.default is not dataclasses.MISSING else (
            f.default_factory() if f.default_factory is not dataclasses.MISSING else dataclasses.MISSING)
        if value is not None and value != default:
            out[f.name] = value
    kind = next((k for k, model in PAYLOAD_TYPES.items() if type(payload) is model), "")
    return versioned(kind, out)


_HINTS: dict[type[Any], dict[str, Any]] = {}


def _hints(model: type[Any]) -> dict[str, Any]:
    if model not in _HINTS:
        _HINTS[model] = typing.get_type_hints(model)
    return _HINTS[model]


def _check(name: str, value: object, hint: Any) -> Any:
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):  # X | None: None was handled by the caller
        (inner,) = [a for a in typing.get_args(hint) if a is not type(None)]
        return _check(name, value, inner)
    if hint is bool:
        if isinstance(value, bool):
            return value
        raise PayloadError(f"字段 {name} 应为是或否")
    if hint is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise PayloadError(f"字段 {name} 应为整数")
    if hint is str:
        if isinstance(value, str):
            return value
        raise PayloadError(f"字段 {name} 类型不对")
    if origin is list:
        (item,) = typing.get_args(hint)
        if not isinstance(value, list):
            raise PayloadError(f"字段 {name} 类型不对")
        want = dict if typing.get_origin(item) is dict else item
        if not all(isinstance(x, want) and not (want is not bool and isinstance(x, bool)) for x in value):
            raise PayloadError(f"字段 {name} 类型不对")
        return list(value)
    raise TypeError(f"payload field {name}: unsupported type {hint!r}")  # a programming error
