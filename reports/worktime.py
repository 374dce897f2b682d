"""Working time: Monday to Friday, 08:00–16:00 WITA, without holidays.

Every moment ``t`` has a working-second index ``W(t)``: the working seconds
from the Unix epoch up to ``t``. The working time between two moments is then
``W(end) - W(start)``, a closed form of the two datetimes and the sorted
holiday list, with no loop over the days in between. The same formula is
written once in Python (for single values and for the thresholds of the
overdue list) and once as SQL (for the step times of many events at once);
the tests hold the two to the same answers.

In day numbers counted from 1970-01-01 (a Thursday), day ``d`` is weekday
``(d + 3) % 7`` (0 = Monday), and the weekdays before day ``d`` number
``5 * ((d + 3) // 7) + min((d + 3) % 7, 5)``.
"""

from bisect import bisect_left
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

WITA = ZoneInfo("Asia/Makassar")

# WITA is UTC+8 without daylight saving, so local days follow from epoch
# seconds by a fixed shift and the SQL needs no time zone database.
WITA_OFFSET = 8 * 3600
DAY = 86400
DAY_START = 8 * 3600
DAY_END = 16 * 3600
WORKDAY = DAY_END - DAY_START

EPOCH_DATE = date(1970, 1, 1)
THURSDAY = 3


def day_number(day: date) -> int:
    return (day - EPOCH_DATE).days


def weekdays_before(day: int) -> int:
    weeks, rest = divmod(day + THURSDAY, 7)
    return 5 * weeks + min(rest, 5)


class WorkingCalendar:
    """The working-time clock for one list of holidays."""

    def __init__(self, holidays: Iterable[date]) -> None:
        # Holidays on a Saturday or Sunday change nothing: drop them so that
        # each remaining one removes exactly one working day.
        days = {day_number(day) for day in holidays if day.weekday() < 5}
        self.holidays: list[int] = sorted(days)
        self._holiday_set = frozenset(days)

    def is_working_day(self, day: int) -> bool:
        return (day + THURSDAY) % 7 < 5 and day not in self._holiday_set

    def working_days_before(self, day: int) -> int:
        return weekdays_before(day) - bisect_left(self.holidays, day)

    def index(self, moment: datetime) -> int:
        """W(moment): working seconds from the epoch up to ``moment``."""
        local = int(moment.timestamp() // 1) + WITA_OFFSET
        day, second = divmod(local, DAY)
        index = WORKDAY * self.working_days_before(day)
        if self.is_working_day(day):
            index += min(max(second - DAY_START, 0), WORKDAY)
        return index

    def seconds_between(self, start: datetime, end: datetime) -> int:
        return self.index(end) - self.index(start)

    def overdue_before(self, now: datetime, seconds: int) -> datetime:
        """The moment T such that whatever became ready before T has waited
        more than ``seconds`` working seconds by ``now``, and whatever became
        ready at or after T has not.

        W is continuous and never decreases, so T is the first moment at
        which W reaches ``W(now) - seconds``.
        """
        target = self.index(now) - seconds
        if target <= 0:
            return datetime.fromtimestamp(0, tz=UTC)

        count, rest = divmod(target, WORKDAY)
        if rest == 0:
            # Reached at the close of the count-th working day, not at the
            # opening of the next one.
            day, second = self._nth_working_day(count - 1), DAY_END
        else:
            day, second = self._nth_working_day(count), DAY_START + rest
        return datetime.fromtimestamp(day * DAY + second - WITA_OFFSET, tz=UTC)

    def _nth_working_day(self, n: int) -> int:
        """The day number of the working day with ``n`` working days before
        it (counting from 0): a binary search, since the count only grows."""
        low, high = 0, n * 2 + len(self.holidays) + 14
        while low < high:
            middle = (low + high) // 2
            if self.working_days_before(middle + 1) > n:
                high = middle
            else:
                low = middle + 1
        return low

    def sql_index(self, day: str, second: str, vendor: str) -> str:
        """W as SQL, given the local day number and the second of that day
        (see ``sql_local_day`` and ``sql_local_second``).

        ``vendor`` is Django's ``connection.vendor``. PostgreSQL counts the
        holidays before a day by binary search (``width_bucket`` over the
        sorted array); other databases add one comparison per holiday, which
        is fine for the few dozen holidays a few years bring.
        """
        weekday = f"(({day} + {THURSDAY}) %% 7)"
        weekdays = (
            f"(5 * (({day} + {THURSDAY}) / 7) "
            f"+ CASE WHEN {weekday} < 5 THEN {weekday} ELSE 5 END)"
        )
        working_day = f"{weekday} < 5"
        if self.holidays:
            listed = ", ".join(str(h) for h in self.holidays)
            working_day += f" AND {day} NOT IN ({listed})"
        part = (
            f"CASE WHEN {working_day} THEN CASE "
            f"WHEN {second} < {DAY_START} THEN 0 "
            f"WHEN {second} > {DAY_END} THEN {WORKDAY} "
            f"ELSE {second} - {DAY_START} END ELSE 0 END"
        )
        before = self._sql_holidays_before(day, vendor)
        return f"({WORKDAY} * ({weekdays} - {before}) + {part})"

    def _sql_holidays_before(self, day: str, vendor: str) -> str:
        if not self.holidays:
            return "0"
        if vendor == "postgresql":
            array = ", ".join(str(h) for h in self.holidays)
            return f"width_bucket({day} - 1, ARRAY[{array}]::bigint[])"
        terms = " + ".join(
            f"CASE WHEN {day} > {h} THEN 1 ELSE 0 END" for h in self.holidays
        )
        return f"({terms})"


# SQL for the local (WITA) day number and second of day of an integer
# expression of epoch seconds. For statements executed with parameters,
# hence the doubled percent sign.
def sql_local_day(epoch: str) -> str:
    return f"(({epoch} + {WITA_OFFSET}) / {DAY})"


def sql_local_second(epoch: str) -> str:
    return f"(({epoch} + {WITA_OFFSET}) %% {DAY})"


def local_day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """The moments that open ``first`` and close ``last`` in WITA, as a
    half-open range."""
    start = datetime(first.year, first.month, first.day, tzinfo=WITA)
    end = datetime(last.year, last.month, last.day, tzinfo=WITA) + timedelta(days=1)
    return start, end
