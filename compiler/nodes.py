"""The Deluge syntax tree that the checker reads and the lowering turns into Python.

Every node carries the Deluge ``line`` and ``column`` (both 1-based) of its
first token.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Node:
    line: int
    column: int


# Expressions


@dataclass
class Number(Node):
    value: int


@dataclass
class Decimal(Node):
    value: float


@dataclass
class Text(Node):
    value: str


@dataclass
class DateLiteral(Node):
    """A single-quoted literal: a DATE-TIME when it parses as one, else TEXT."""

    text: str


@dataclass
class Boolean(Node):
    value: bool


@dataclass
class Null(Node):
    pass


@dataclass
class Name(Node):
    name: str
    # Set by the checks when ``now`` or ``today`` is read before any assignment,
    # to the zoho system value that the name reads (``currenttime`` or
    # ``currentdate``).
    system: str | None = None


@dataclass
class ListLiteral(Node):
    items: list


@dataclass
class MapLiteral(Node):
    pairs: list  # [(key expr, value expr)]


@dataclass
class EmptyCollection(Node):
    """The literal ``{}``: a list or a map, decided by its first use."""


@dataclass
class Unary(Node):
    op: str  # "!", "-" or "+"
    operand: Node


@dataclass
class Binary(Node):
    op: str  # + - * / % == != < <= > >=
    left: Node
    right: Node


@dataclass
class Logic(Node):
    op: str  # "&&" or "||"
    left: Node
    right: Node


@dataclass
class KeyValueArg(Node):
    """A ``key: value`` argument, as in ``Collection("a": 1)``."""

    key: Node
    value: Node


# The zoho.* system values that scripts may read: ``zoho.currentdate`` and
# ``zoho.currenttime``, lower-cased. They are values, so methods apply to them.
ZOHO_SYSTEM_VALUES = frozenset({"currentdate", "currenttime"})


@dataclass
class Call(Node):
    """A call by name: a built-in, a constructor or a global function.

    ``name`` keeps the spelling of the script; dotted names such as
    ``zoho.encryption.base64Encode`` are joined with dots.
    """

    name: str
    args: list


@dataclass
class MethodCall(Node):
    receiver: Node
    name: str
    args: list


def call_path(call: MethodCall) -> tuple[str, str] | None:
    """Return the root name and the dotted name of a call like ``ns.fn(...)``.

    ``standalone.clean(x)`` gives ``("standalone", "standalone.clean")``. It
    is a call of a function defined in the same script when one has that
    name and no variable has the root name. Returns None when the receiver
    is not a chain of plain names.
    """
    parts = [call.name]
    receiver = call.receiver
    while isinstance(receiver, Member):
        parts.append(receiver.name)
        receiver = receiver.receiver
    if not isinstance(receiver, Name):
        return None
    parts.append(receiver.name)
    return receiver.name, ".".join(reversed(parts))


@dataclass
class Member(Node):
    """``value.name`` without a call: a system value, or ``e.message`` of a catch."""

    receiver: Node
    name: str


@dataclass
class IfExpr(Node):
    condition: Node
    then: Node
    otherwise: Node


@dataclass
class TypedList(Node):
    element_type: str  # the type name as written, e.g. "String"
    args: list


@dataclass
class TaskParam(Node):
    key: str  # lower-cased, inner spaces collapsed
    value: Node


@dataclass
class Task(Node):
    """A bracket task such as ``invokeurl [ url: u  type: GET ]``."""

    name: str
    params: list


@dataclass
class FormQuery(Node):
    """Creator's record fetch ``Form[criteria]``."""

    form: str
    criteria: Node


# Statements


@dataclass
class Assign(Node):
    name: str
    value: Node


@dataclass
class AugAssign(Node):
    name: str
    op: str  # the binary operator: + - * / %
    value: Node


@dataclass
class ExprStatement(Node):
    value: Node


@dataclass
class If(Node):
    branches: list  # [(condition, body)]
    orelse: list | None


@dataclass
class ForEach(Node):
    var: str
    iterable: Node
    body: list
    index: bool = False
    var_line: int = 0
    var_column: int = 0


@dataclass
class Break(Node):
    pass


@dataclass
class Continue(Node):
    pass


@dataclass
class Return(Node):
    value: Node | None


@dataclass
class Info(Node):
    value: Node


@dataclass
class Throw(Node):
    value: Node


@dataclass
class Try(Node):
    body: list
    var: str
    handler: list
    var_line: int = 0
    var_column: int = 0


@dataclass
class CreatorOnly(Node):
    """A Creator statement (``alert``, ``reload``, ``insert into``)."""

    construct: str


@dataclass
class Param:
    type_name: str
    name: str
    line: int
    column: int


@dataclass
class FunctionDef(Node):
    return_type: str | None
    name: str
    params: list  # [Param]
    body: list
    has_header: bool = True
    warnings: list = field(default_factory=list)
    # The Call nodes of the body, filled by the first walk that needs them.
    calls: list | None = field(default=None, repr=False, compare=False)
