"""Request rates written as ``N/period`` (``60/min``), read by the settings for the API's
throttles (lib/throttling.py). Plain Python: the settings import it before Django is set up."""

# Every accepted spelling of a period, and its length in seconds.
PERIODS = {
    "s": 1,
    "sec": 1,
    "second": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "h": 3600,
    "hour": 3600,
    "d": 86400,
    "day": 86400,
}
# A rate that switches the limit off.
OFF = ("", "off")


def parse_rate(name: str, value: str) -> tuple[int, int] | None:
    """``(requests, seconds)`` for a rate like ``60/min``, None for ``off`` or an empty value;
    ValueError naming ``name`` for anything else."""
    text = value.strip()
    if text in OFF:
        return None
    count, slash, period = text.partition("/")
    if slash and count.isascii() and count.isdigit() and int(count) > 0 and period in PERIODS:
        return int(count), PERIODS[period]
    raise ValueError(
        f"{name} must be a number of requests per period such as 60/min (periods: "
        f"{', '.join(PERIODS)}), or off, not {value!r}"
    )
