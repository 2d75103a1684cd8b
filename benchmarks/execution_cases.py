"""The scripts of ``benchmarks/execution_speed.py``, each with a Python equivalent.

Every case is a realistic callback body in Deluge and the function a Python
programmer would write for the same job. The benchmark checks that both give
the same output before it times them. ``size`` sets the number of elements
each script walks.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass, field

# Statements per run of the near-limit case stay under Limits().statements
# (5,000): each element costs about 3.3 statements.
NEAR_LIMIT_ELEMENTS = 1400


@dataclass
class GlobalSource:
    """A global function as ``compile_function``'s ``resolve_global`` returns it."""

    name: str
    parameters: list
    return_type: str
    script: str
    id: int = 1
    version: int = 1


@dataclass
class Case:
    name: str
    description: str
    source: str
    parameters: list
    arguments: dict
    python: Callable[..., object]
    globals: dict = field(default_factory=dict)


TEXT_BUILDING = """\
out = "";
for each name in names
{
    out = out + "Hello " + name + "; ";
}
return out;
"""


def text_building(names):
    out = ""
    for name in names:
        out = out + "Hello " + name + "; "
    return out


LIST_FILTER = """\
evens = List();
total = 0;
for each x in numbers
{
    if (x % 2 == 0)
    {
        evens.add(x);
        total = total + x;
    }
}
return {"count": evens.size(), "total": total};
"""


def list_filter(numbers):
    evens = []
    total = 0
    for x in numbers:
        if x % 2 == 0:
            evens.append(x)
            total = total + x
    return {"count": len(evens), "total": total}


MAP_GROUP = """\
totals = Map();
for each order in orders
{
    region = order.get("region");
    amount = order.get("amount");
    if (totals.containsKey(region))
    {
        totals.put(region, totals.get(region) + amount);
    }
    else
    {
        totals.put(region, amount);
    }
}
return totals;
"""


def map_group(orders):
    totals = {}
    for order in orders:
        region = order.get("region")
        amount = order.get("amount")
        if region in totals:
            totals[region] = totals[region] + amount
        else:
            totals[region] = amount
    return totals


JSON_ROUND_TRIP = """\
data = payload.toMap();
items = data.get("items");
rows = List();
for each item in items
{
    row = Map();
    row.put("id", item.get("id"));
    row.put("total", item.get("price") * item.get("quantity"));
    rows.add(row);
}
out = Map();
out.put("rows", rows);
return out.toString();
"""


def json_round_trip(payload):
    data = json.loads(payload)
    rows = []
    for item in data.get("items"):
        rows.append({"id": item.get("id"), "total": item["price"] * item["quantity"]})
    return json.dumps({"rows": rows}, separators=(",", ":"))


DATES = """\
first = start.toDate("yyyy-MM-dd");
weekend = 0;
days = List();
for each offset in offsets
{
    day = first.addDay(offset);
    weekday = day.getDayOfWeek();
    if (weekday == 1 || weekday == 7)
    {
        weekend = weekend + 1;
    }
    days.add(day.toString("yyyy-MM-dd"));
}
return {"weekend": weekend, "last": days.get(days.size() - 1)};
"""


def dates(start, offsets):
    first = datetime.datetime.strptime(start, "%Y-%m-%d")
    weekend = 0
    days = []
    for offset in offsets:
        day = first + datetime.timedelta(days=offset)
        weekday = day.isoweekday() % 7 + 1
        if weekday in (1, 7):
            weekend = weekend + 1
        days.append(day.strftime("%Y-%m-%d"))
    return {"weekend": weekend, "last": days[-1]}


NEAR_LIMIT = """\
total = 0;
count = 0;
for each x in numbers
{
    total = total + x;
    if (x % 3 == 0)
    {
        count = count + 1;
    }
}
return {"total": total, "count": count};
"""


def near_limit(numbers):
    total = 0
    count = 0
    for x in numbers:
        total = total + x
        if x % 3 == 0:
            count = count + 1
    return {"total": total, "count": count}


GLOBAL_CALLS = """\
sum = 0.0;
for each amount in amounts
{
    sum = sum + discount(amount, 15);
}
return sum;
"""
DISCOUNT = GlobalSource(
    name="discount",
    parameters=[("amount", "float"), ("percent", "int")],
    return_type="float",
    script="return amount * (100 - percent) / 100;",
)


def global_calls(amounts):
    def discount(amount, percent):
        return amount * (100 - percent) / 100

    total = 0.0
    for amount in amounts:
        total = total + discount(amount, 15)
    return total


TEXT_METHODS = """\
count = 0;
parts = List();
for each word in words
{
    upper = word.trim().toUpperCase();
    if (upper.startsWith("A"))
    {
        count = count + 1;
    }
    parts.add(upper.replaceAll("A", "4"));
}
return {"count": count, "parts": parts.size(), "first": parts.get(0)};
"""


def text_methods(words):
    count = 0
    parts = []
    for word in words:
        upper = word.strip().upper()
        if upper.startswith("A"):
            count = count + 1
        parts.append(upper.replace("A", "4"))
    return {"count": count, "parts": len(parts), "first": parts[0]}


ARITHMETIC = """\
total = 0;
count = 0;
for each x in numbers
{
    total = total + x * 3 - 1;
    count = count + 1;
}
return {"total": total, "mean": total / count};
"""


def arithmetic(numbers):
    total = 0
    count = 0
    for x in numbers:
        total = total + x * 3 - 1
        count = count + 1
    return {"total": total, "mean": int(total / count)}


def build_cases(size: int) -> list[Case]:
    """Return the cases, each walking ``size`` elements (the near-limit one more)."""
    names = [f"Name{i}" for i in range(size)]
    numbers = list(range(size))
    orders = [
        {"region": ("north", "south", "east")[i % 3], "amount": i * 10}
        for i in range(size)
    ]
    items = [{"id": i, "price": i + 0.25, "quantity": i % 4 + 1} for i in range(size)]
    words = [f"  {('alpha', 'beta', 'gamma', 'area')[i % 4]}{i} " for i in range(size)]
    near = list(range(min(NEAR_LIMIT_ELEMENTS, size * 14)))
    return [
        Case("text building", "concatenate a greeting per name", TEXT_BUILDING,
             [("names", "list")], {"names": names}, text_building),
        Case("list filter", "filter a list, add to a new list, sum", LIST_FILTER,
             [("numbers", "list")], {"numbers": numbers}, list_filter),
        Case("map grouping", "sum order amounts by region in a map", MAP_GROUP,
             [("orders", "list")], {"orders": orders}, map_group),
        Case("JSON round trip", "parse JSON text, build rows, render JSON",
             JSON_ROUND_TRIP, [("payload", "string")],
             {"payload": json.dumps({"items": items})}, json_round_trip),
        Case("date arithmetic", "add days to a date, weekday, format", DATES,
             [("start", "string"), ("offsets", "list")],
             {"start": "2024-01-30", "offsets": numbers}, dates),
        Case("near the statement limit", "a loop of about 4,700 statements",
             NEAR_LIMIT, [("numbers", "list")], {"numbers": near}, near_limit),
        Case("global function calls", "call a global function per element",
             GLOBAL_CALLS, [("amounts", "list")],
             {"amounts": [i + 0.5 for i in range(size)]}, global_calls,
             {"discount": DISCOUNT}),
        Case("text methods", "trim, upper-case, test and replace per word",
             TEXT_METHODS, [("words", "list")], {"words": words}, text_methods),
        Case("number arithmetic", "integer arithmetic on list elements", ARITHMETIC,
             [("numbers", "list")], {"numbers": numbers}, arithmetic),
    ]  # fmt: skip
