"""Dates with a precision: YYYY, YYYY-MM or YYYY-MM-DD."""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
MONTHS = [calendar.month_name[i] for i in range(13)]


@dataclass(frozen=True, order=True)
class PartialDate:
    year: int
    month: int = 0  # 0: unknown
    day: int = 0

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    @property
    def earliest(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def latest(self) -> dt.date:
        month = self.month or 12
        return dt.date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])

    def iso(self) -> str:
        parts = [f"{self.year:04d}"] + [f"{n:02d}" for n in (self.month, self.day) if n]
        return "-".join(parts)

    def human(self) -> str:
        if self.day:
            return f"{self.day} {MONTHS[self.month]} {self.year}"
        if self.month:
            return f"{MONTHS[self.month]} {self.year}"
        return str(self.year)


def parse_date(value) -> PartialDate:
    """Parses a date value; raises ValueError with a reader-facing reason."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError("must be a date written YYYY-MM-DD, YYYY-MM or YYYY")
    match = _DATE.match(str(value).strip())
    if not match:
        raise ValueError(f"'{value}' is not a date; write YYYY-MM-DD, YYYY-MM or YYYY")
    year, month, day = (int(g) if g else 0 for g in match.groups())
    if year < 1000:
        raise ValueError(f"'{value}': year {year} is out of range")
    if match.group(2) is not None and not 1 <= month <= 12:
        raise ValueError(f"'{value}': there is no month {month}")
    if day and day > calendar.monthrange(year, month)[1]:
        raise ValueError(f"'{value}': {MONTHS[month]} {year} has no day {day}")
    if match.group(3) is not None and day == 0:
        raise ValueError(f"'{value}': there is no day 0")
    return PartialDate(year, month, day)
