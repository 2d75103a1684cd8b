"""The "Generated Python" panel: Python lines with the Deluge line of each."""

from __future__ import annotations

import re
from dataclasses import dataclass

# The compiler ends each generated statement's first line with a comment
# naming its Deluge line, for example "v_total = 0  # line 3".
LINE_TAG = re.compile(r"\s*#\s*(?:deluge\s+)?line\s*:?\s*(\d+)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class PythonLine:
    text: str
    deluge_line: int | None


def python_lines(source: str) -> list[PythonLine]:
    """Split generated Python into lines, moving each line tag into a field.

    A line without a tag (a continuation, a blank line, a helper) has no
    Deluge line.
    """
    lines = []
    for text in source.splitlines():
        tag = LINE_TAG.search(text)
        if tag:
            lines.append(PythonLine(text[: tag.start()], int(tag.group(1))))
        else:
            lines.append(PythonLine(text, None))
    return lines
