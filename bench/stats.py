"""Pure helpers of the benchmark (bench/run.py): percentiles, ratios and the comparison of
what the API, the SQL floor and Datasette answered. No Django, no database: unit-tested in
tests/bench/."""

import math
from collections.abc import Sequence


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile: the smallest value with at least ``share`` (0 < share <= 1)
    of the values at or below it. p50 of [1, 2, 3, 4] is 2, p95 of 20 values is the 19th."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0 < share <= 1:
        raise ValueError(f"share must be in (0, 1], not {share}")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """``numerator / denominator``, or None when either is unknown or the denominator is 0."""
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def first_difference(expected: Sequence, actual: Sequence) -> str | None:
    """Where two answers (ids, or aggregate cells) differ, in words; None when they are the
    same values in the same order."""
    for index, (left, right) in enumerate(zip(expected, actual, strict=False)):
        if left != right:
            return f"at position {index}: {left!r} != {right!r}"
    if len(expected) != len(actual):
        return f"{len(expected)} rows != {len(actual)} rows"
    return None


def format_ms(value: float | None) -> str:
    return "—" if value is None else (f"{value:.0f}" if value >= 100 else f"{value:.1f}")


def format_ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}x"
