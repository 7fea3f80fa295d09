"""Dates as articles write them ("on Saturday", "last month", "on May 12"), resolved against
the article's publication date, with the precision the words give."""

import calendar
import datetime
import re
from dataclasses import dataclass

WEEKDAYS = [name.lower() for name in calendar.day_name]
MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): n for n, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
WEEKDAY_NAMES = "|".join(WEEKDAYS)

# Each pattern, in the order tried: the first found in a sentence dates it.
DAY_MONTH = re.compile(
    rf"\b(?:on\s+)?(?:(?P<day1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month1>{MONTH_NAMES})\.?"
    rf"|(?P<month2>{MONTH_NAMES})\.?\s+(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?\b)"
    r"(?:,?\s+(?P<year>(?:19|20)\d\d))?",
    re.IGNORECASE,
)
WEEKDAY = re.compile(rf"\b(?:(?P<last>last)\s+)?(?P<weekday>{WEEKDAY_NAMES})\b", re.IGNORECASE)
RELATIVE_DAY = re.compile(r"\b(?P<word>yesterday|today|tonight|from\s+midnight)\b", re.IGNORECASE)
RELATIVE_PERIOD = re.compile(
    r"\b(?P<which>last|this|next|earlier\s+this)\s+(?P<unit>month|year|week)\b", re.IGNORECASE
)
MONTH_ALONE = re.compile(
    rf"\b(?:in|since|during|early|late|mid-?)\s+(?P<month>{MONTH_NAMES})\b(?:\s+(?P<year>(?:19|20)\d\d))?",
    re.IGNORECASE,
)
YEAR_ALONE = re.compile(r"\b(?:in|since|during)\s+(?P<year>(?:19|20)\d\d)\b", re.IGNORECASE)


@dataclass(frozen=True)
class ResolvedDate:
    date: datetime.date
    precision: str  # "day", "month" or "year" (Event.Precision)
    words: str  # as the sentence writes them; "" for the publication date
    starts_next_day: bool = False  # "from midnight": in effect from the next day

    def explain(self) -> str:
        shown = {
            "day": self.date.isoformat(),
            "month": f"{self.date:%Y-%m}",
            "year": f"{self.date:%Y}",
        }[self.precision]
        if not self.words:
            return f"dated {shown}, the article's publication date (no date in the sentence)"
        return f"dated {shown} from “{self.words}” ({self.precision} precision)"


def _month_start(day: datetime.date, months_back: int) -> datetime.date:
    month = day.month - months_back
    year = day.year + (month - 1) // 12
    return datetime.date(year, (month - 1) % 12 + 1, 1)


def _not_after(candidate, published: datetime.date, back):
    """``candidate`` or, when it is after the publication, the one ``back`` gives."""
    return candidate if candidate <= published else back(candidate)


def resolve_date(text: str, published: datetime.date) -> ResolvedDate | None:
    """The date ``text`` gives, relative to ``published``; None when it gives none.

    "on Saturday" is the last Saturday on or before the publication (the publication's own
    day for its weekday); "last month" and "in March" are month precision (the latest March
    on or before the publication); "on May 12" is that day of the publication's year, or the
    year before when it would be after the publication; "yesterday" the day before; "from
    midnight" the publication's day, in effect from the next day.
    """
    match = DAY_MONTH.search(text)
    if match:
        day = int(match.group("day1") or match.group("day2"))
        month = MONTHS[(match.group("month1") or match.group("month2")).lower().rstrip(".")]
        year = int(match.group("year")) if match.group("year") else published.year
        try:
            candidate = datetime.date(year, month, day)
        except ValueError:
            candidate = None
        if candidate is not None:
            if not match.group("year") and candidate > published:
                try:
                    candidate = candidate.replace(year=candidate.year - 1)
                except ValueError:  # 29 February
                    candidate = datetime.date(candidate.year - 1, 2, 28)
            return ResolvedDate(candidate, "day", match.group().strip())
    match = RELATIVE_DAY.search(text)
    if match:
        word = match.group("word").lower()
        if word == "yesterday":
            return ResolvedDate(published - datetime.timedelta(days=1), "day", match.group())
        return ResolvedDate(
            published, "day", match.group(), starts_next_day=word.startswith("from")
        )
    match = WEEKDAY.search(text)
    if match:
        weekday = WEEKDAYS.index(match.group("weekday").lower())
        back = (published.weekday() - weekday) % 7
        if match.group("last") and back == 0:
            back = 7
        return ResolvedDate(published - datetime.timedelta(days=back), "day", match.group())
    match = RELATIVE_PERIOD.search(text)
    if match:
        which, unit = match.group("which").lower(), match.group("unit").lower()
        if unit == "month":
            back = 1 if which == "last" else 0
            return ResolvedDate(_month_start(published, back), "month", match.group())
        if unit == "year":
            year = published.year - (1 if which == "last" else 0)
            return ResolvedDate(datetime.date(year, 1, 1), "year", match.group())
        # A week is no precision of ours: its Monday, to the day, says "the week of".
        monday = published - datetime.timedelta(days=published.weekday())
        if which == "last":
            monday -= datetime.timedelta(days=7)
        return ResolvedDate(monday, "day", match.group())
    match = MONTH_ALONE.search(text)
    if match:
        month = MONTHS[match.group("month").lower()]
        if match.group("year"):
            return ResolvedDate(datetime.date(int(match.group("year")), month, 1), "month",
                                match.group())  # fmt: skip
        candidate = datetime.date(published.year, month, 1)
        candidate = _not_after(candidate, published, lambda c: c.replace(year=c.year - 1))
        return ResolvedDate(candidate, "month", match.group())
    match = YEAR_ALONE.search(text)
    if match:
        return ResolvedDate(datetime.date(int(match.group("year")), 1, 1), "year", match.group())
    return None
