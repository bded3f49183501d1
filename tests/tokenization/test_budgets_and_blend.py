import random

import pytest

from tokenization.blend import Blend
from tokenization.budgets import BudgetError, parse_budgets


def test_budgets_by_size_name_and_custom_name():
    budgets = parse_budgets("2T,8T,13T,smoke=20M,half=0.5B")
    assert [(b.name, b.tokens) for b in budgets] == [
        ("2T", 2 * 10**12), ("8T", 8 * 10**12), ("13T", 13 * 10**12), ("smoke", 20 * 10**6), ("half", 5 * 10**8)]


@pytest.mark.parametrize("text, message", [("2X", "not a number"), ("a=0", "positive"),
                                           ("2T,2T", "repeat"), ("bad name=1M", "letters")])
def test_bad_budgets_say_what_is_wrong(text, message):
    with pytest.raises(BudgetError, match=message):
        parse_budgets(text)


def test_every_prefix_of_the_blend_holds_each_source_within_one_of_its_share():
    counts = [700, 200, 99, 1]
    order = [source for source, _ in Blend(counts).sources_from(0)]
    assert sorted(order) == sorted(s for s, n in enumerate(counts) for _ in range(n))
    total = sum(counts)
    seen = [0] * len(counts)
    for position, source in enumerate(order, 1):
        seen[source] += 1
        for s, n in enumerate(counts):
            assert abs(seen[s] - position * n / total) <= 1


def test_the_blend_resumes_anywhere_without_replaying():
    rng = random.Random(5)
    for _ in range(100):
        blend = Blend([rng.randint(0, 40) for _ in range(rng.randint(1, 5))])
        full = list(blend.sources_from(0))
        start = rng.randint(0, blend.total)
        assert list(blend.sources_from(start)) == full[start:]


def test_resuming_a_huge_blend_is_fast():
    blend = Blend([10**12, 3 * 10**11 + 7, 12_345])
    taken = blend.taken_before(987_654_321_012)
    assert sum(taken) == 987_654_321_012
