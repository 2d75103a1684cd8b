"""Paging of the function lists: page size choice, page numbers, links."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

PER_PAGE_CHOICES = (10, 25, 50, 100)
DEFAULT_PER_PAGE = 10


def parse_per_page(text: str | None) -> int:
    """Return the requested page size, or the default for a value not offered."""
    try:
        value = int(text or DEFAULT_PER_PAGE)
    except ValueError:
        return DEFAULT_PER_PAGE
    return value if value in PER_PAGE_CHOICES else DEFAULT_PER_PAGE


def parse_page(text: str | None) -> int:
    try:
        value = int(text or 1)
    except ValueError:
        return 1
    return max(1, value)


@dataclass
class Listing:
    """One page of a list, with what the template needs to draw the pager."""

    list_url: str
    items: list
    total: int
    page: int
    per_page: int
    search: str = ""
    per_page_choices: tuple[int, ...] = field(default=PER_PAGE_CHOICES)
    # Other filters that page links keep, such as a status filter.
    extra_query: dict[str, str] = field(default_factory=dict)

    @property
    def page_count(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.total, self.page * self.per_page)

    @property
    def page_numbers(self) -> list[int | None]:
        """Page numbers to link: the first, the last and two around the current.

        None stands for a gap, drawn as an ellipsis.
        """
        count = self.page_count
        shown = {1, count, *range(self.page - 2, self.page + 3)}
        numbers: list[int | None] = []
        previous = 0
        for number in sorted(n for n in shown if 1 <= n <= count):
            if number - previous > 1:
                numbers.append(None)
            numbers.append(number)
            previous = number
        return numbers

    def page_url(self, page: int) -> str:
        query: dict[str, object] = {"page": page, "per_page": self.per_page}
        if self.search:
            query["search"] = self.search
        query.update(self.extra_query)
        return f"{self.list_url}?{urlencode(query)}"
