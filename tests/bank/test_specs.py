import random

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import translation

from quizapp.bank.specs import InvalidAnswer, parse_answer, shuffled_keys, validate
from tests.practice.conftest import SPECS


def post(**fields) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, value in fields.items():
        data.setlist(name, value if isinstance(value, list) else [value])
    return data


@pytest.mark.parametrize("kind", SPECS)
def test_every_sample_spec_is_valid(kind):
    validate(kind, SPECS[kind])


def test_a_single_choice_with_two_right_options_is_refused():
    spec = {
        "options": [
            {"key": "a", "text": {"fr": "x"}, "correct": True},
            {"key": "b", "text": {"fr": "y"}, "correct": True},
        ]
    }
    with pytest.raises(ValidationError):
        validate("single", spec)


def test_a_port_outside_the_range_is_refused():
    with pytest.raises(ValidationError):
        validate("port", {"accepted": [70000]})


def test_the_shuffled_ordering_is_never_the_solution():
    keys = [s["key"] for s in SPECS["ordering"]["steps"]]
    for seed in range(50):
        assert shuffled_keys("ordering", SPECS["ordering"], random.Random(seed)) != keys


def test_positions_are_mapped_back_through_the_attempt_order():
    order = ["c", "a", "b"]
    assert parse_answer("single", SPECS["single"], order, post(choice="1")) == {"choice": "a"}


@pytest.mark.parametrize(
    ("kind", "data", "message"),
    [
        ("single", {}, "answer"),
        ("single", {"choice": "7"}, "not one of the options"),
        ("single", {"choice": "abc"}, "not one of the options"),
        ("multiple", {}, "at least one"),
        ("multiple", {"choice": ["0", "9"]}, "not one of the options"),
        ("truefalse", {"value": "maybe"}, "true or false"),
        ("port", {"value": "http"}, "whole number"),
        ("port", {"value": "70000"}, "whole number"),
        ("port", {"value": "²"}, "whole number"),
        ("port", {"value": "¹²"}, "whole number"),
        ("port", {"value": "٥٨٧"}, "whole number"),
        ("port", {"value": "587\x00"}, "cannot be typed"),
        ("short", {"value": "   \t "}, "answer"),
        ("short", {"value": "START\x00TLS"}, "cannot be typed"),
        ("short", {"value": "x" * 1025}, "too long"),
        ("short", {}, "answer"),
        ("matching", {"match-0": "0", "match-1": "1"}, "answer"),
        ("matching", {"match-0": "0", "match-1": "1", "match-2": "12"}, "not one of the options"),
        ("ordering", {"rank-0": "1", "rank-1": "1", "rank-2": "2", "rank-3": "3"}, "different"),
        ("ordering", {"rank-0": "1", "rank-1": "2", "rank-2": "3"}, "answer"),
    ],
)
def test_a_malformed_answer_is_refused_with_a_reason(kind, data, message):
    order = shuffled_keys(kind, SPECS[kind], random.Random(1)) or []
    with translation.override("en"), pytest.raises(InvalidAnswer, match=message):
        parse_answer(kind, SPECS[kind], order, post(**data))
