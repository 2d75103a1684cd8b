"""Line diffs between two versions of a script, for the version history page."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

HUNK_HEADER = re.compile(r"^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@")
CONTEXT_LINES = 3


@dataclass(frozen=True)
class DiffRow:
    kind: str  # "added", "removed", "same" or "hunk"
    marker: str
    text: str
    old_number: int | None = None
    new_number: int | None = None


def describe_signature(parameters: list[dict], return_type: str) -> str:
    names = ", ".join(f"{p['type']} {p['name']}" for p in parameters)
    return f"{return_type} ({names})"


def diff_rows(old_text: str, new_text: str, old_label: str, new_label: str):
    """Return the unified diff of two texts as rows with line numbers.

    An empty list means the texts are equal.
    """
    lines = difflib.unified_diff(
        old_text.splitlines(),
        new_text.splitlines(),
        fromfile=old_label,
        tofile=new_label,
        n=CONTEXT_LINES,
        lineterm="",
    )
    rows: list[DiffRow] = []
    old_number = new_number = 0
    for line in lines:
        if line.startswith(("---", "+++")) and not rows:
            continue
        header = HUNK_HEADER.match(line)
        if header:
            old_number = int(header.group(1))
            new_number = int(header.group(2))
            rows.append(DiffRow("hunk", "", line))
        elif line.startswith("+"):
            rows.append(DiffRow("added", "+", line[1:], new_number=new_number))
            new_number += 1
        elif line.startswith("-"):
            rows.append(DiffRow("removed", "-", line[1:], old_number=old_number))
            old_number += 1
        else:
            rows.append(DiffRow("same", " ", line[1:], old_number, new_number))
            old_number += 1
            new_number += 1
    return rows


def version_diff(old: dict, new: dict) -> list[DiffRow]:
    """Diff the scripts of two stored versions; line numbers are script lines."""
    return diff_rows(
        old["script"],
        new["script"],
        f"version {old['version']}",
        f"version {new['version']}",
    )


def signature_change(old: dict, new: dict) -> str | None:
    """Describe a change of return type or parameters, or return None."""
    before = describe_signature(old["parameters"], old["return_type"])
    after = describe_signature(new["parameters"], new["return_type"])
    if before == after:
        return None
    return f"Signature changed from {before} to {after}"
