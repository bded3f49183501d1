"""A saved loader state that is malformed (hand-edited, foreign, or from tokenmill 0.1 without its step) is
refused with PlanStateError and a message naming the field, never a TypeError or KeyError from inside."""
import pytest

from tokenization.loader import PlanLoader, PlanStateError


@pytest.mark.parametrize("damage, message", [
    ({"position": "12"}, "'position' is '12', not a whole number"),
    ({"position": 12.0}, "'position' is 12.0, not a whole number"),
    ({"position": True}, "'position' is True, not a whole number"),
    ({"position": -4}, "'position' is -4, not a whole number"),
    ({"plan_sha256": None}, "'plan_sha256' is None, not a sha256"),
    ({"step": "3"}, "'step' is '3', not a whole number"),
    ({"state_version": 99}, "state_version 99"),
], ids=["position_as_string", "position_as_float", "position_as_bool", "position_negative", "plan_sha256_null",
        "step_as_string", "unknown_version"])
def test_a_malformed_saved_state_is_refused_with_a_clear_error(tokenized_output, damage, message):
    state = {**PlanLoader(str(tokenized_output), "tiny", 4).state_at(3), **damage}
    with pytest.raises(PlanStateError, match=message):
        PlanLoader(str(tokenized_output), "tiny", 4, state=state)


def test_a_state_missing_a_field_is_refused_naming_it(tokenized_output):
    state = PlanLoader(str(tokenized_output), "tiny", 4).state_at(3)
    del state["position"]
    with pytest.raises(PlanStateError, match="the state has no 'position'"):
        PlanLoader(str(tokenized_output), "tiny", 4, state=state)


def test_a_legacy_state_without_step_is_refused_with_a_clear_error(tokenized_output):
    with pytest.raises(PlanStateError, match="the state has no 'step'"):
        PlanLoader(str(tokenized_output), "tiny", 4, state={"budget": "tiny", "batch_size": 4, "hosts": 1})


def test_a_well_formed_legacy_state_still_resumes(tokenized_output):
    loader = PlanLoader(str(tokenized_output), "tiny", 4, state={"budget": "tiny", "step": 2, "batch_size": 4,
                                                                 "hosts": 1})
    assert (loader.start, loader.first_step) == (8, 2)
