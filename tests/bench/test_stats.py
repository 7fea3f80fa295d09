"""The benchmark's pure helpers: percentiles and the comparison of answers."""

import pytest

from bench.stats import first_difference, percentile, ratio


def test_percentile_is_nearest_rank():
    assert percentile([4, 1, 3, 2], 0.5) == 2
    assert percentile(list(range(1, 21)), 0.95) == 19
    assert percentile(list(range(1, 21)), 1) == 20
    assert percentile([7.5], 0.95) == 7.5


def test_percentile_at_the_edge_of_a_rank():
    # 0.5 of 10 values is exactly the 5th value, not the 6th.
    assert percentile(list(range(1, 11)), 0.5) == 5
    assert percentile(list(range(1, 11)), 0.51) == 6


def test_percentile_refuses_no_values_and_bad_shares():
    with pytest.raises(ValueError, match="no values"):
        percentile([], 0.5)
    with pytest.raises(ValueError, match="share"):
        percentile([1], 0)
    with pytest.raises(ValueError, match="share"):
        percentile([1], 1.01)


def test_ratio_is_unknown_without_a_denominator():
    assert ratio(3.0, 1.5) == 2.0
    assert ratio(3.0, 0) is None
    assert ratio(None, 2.0) is None


def test_same_ids_in_the_same_order_have_no_difference():
    assert first_difference([3, 2, 1], [3, 2, 1]) is None
    assert first_difference([], []) is None


def test_a_different_order_is_a_difference():
    assert first_difference([3, 2, 1], [3, 1, 2]) == "at position 1: 2 != 1"


def test_a_missing_row_is_a_difference():
    assert first_difference([3, 2, 1], [3, 2]) == "3 rows != 2 rows"
    assert first_difference([("2024-01", "proposal", 4)], []) == "1 rows != 0 rows"
