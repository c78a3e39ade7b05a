import pytest

from quizapp.bank.grading import grade
from tests.practice.conftest import SPECS


def test_single_choice_is_all_or_nothing_and_names_the_misconception():
    assert grade("single", SPECS["single"], {"choice": "a"}).score == 1.0
    wrong = grade("single", SPECS["single"], {"choice": "b"})
    assert wrong.score == 0.0
    assert wrong.misconceptions == ["port-25-for-clients"]


@pytest.mark.parametrize(
    ("ticked", "score"),
    [
        (["a", "b"], 1.0),  # both right options
        (["a"], 0.5),  # one of two right options
        (["a", "c"], 0.0),  # one right, one wrong: they cancel out
        (["a", "b", "c"], 0.5),  # all right plus one wrong
        (["a", "b", "c", "d"], 0.0),  # ticking everything earns nothing
        (["c", "d"], 0.0),  # never below zero
    ],
)
def test_multiple_choice_gives_partial_credit_by_the_written_rule(ticked, score):
    assert grade("multiple", SPECS["multiple"], {"choices": ticked}).score == score


def test_multiple_choice_is_correct_only_at_full_marks():
    assert grade("multiple", SPECS["multiple"], {"choices": ["a", "b"]}).correct
    assert not grade("multiple", SPECS["multiple"], {"choices": ["a"]}).correct


def test_multiple_choice_reports_the_misconception_of_a_wrong_tick():
    result = grade("multiple", SPECS["multiple"], {"choices": ["a", "c"]})
    assert result.misconceptions == ["port-25-for-clients"]


def test_true_false_reports_the_misconception_of_the_wrong_side():
    assert grade("truefalse", SPECS["truefalse"], {"value": False}).correct
    wrong = grade("truefalse", SPECS["truefalse"], {"value": True})
    assert wrong.misconceptions == ["imap-subjects-only"]


def test_port_accepts_listed_alternatives_and_tags_common_wrong_numbers():
    spec = {"accepted": [465, 587], "misconceptions": {"25": "port-25-for-clients"}}
    assert grade("port", spec, {"value": 465}).correct
    assert grade("port", spec, {"value": 587}).correct
    assert grade("port", spec, {"value": 25}).misconceptions == ["port-25-for-clients"]
    assert grade("port", spec, {"value": 2525}).misconceptions == []


@pytest.mark.parametrize("typed", ["STARTTLS", "starttls", " Start TLS ", "start\ttls"])
def test_short_text_ignores_case_and_spaces(typed):
    assert grade("short", SPECS["short"], {"value": typed}).correct


def test_short_text_refuses_a_different_word():
    assert not grade("short", SPECS["short"], {"value": "STLS"}).correct


def test_matching_scores_the_share_of_right_pairs():
    perfect = {"p1": "p1", "p2": "p2", "p3": "p3"}
    assert grade("matching", SPECS["matching"], {"pairs": perfect}).score == 1.0
    one_swap = {"p1": "p2", "p2": "p1", "p3": "p3"}
    assert grade("matching", SPECS["matching"], {"pairs": one_swap}).score == pytest.approx(
        1 / 3, abs=1e-3
    )
    distractor = {"p1": "x1", "p2": "p2", "p3": "p3"}
    assert grade("matching", SPECS["matching"], {"pairs": distractor}).score == pytest.approx(
        2 / 3, abs=1e-3
    )


@pytest.mark.parametrize(
    ("order", "score"),
    [
        (["s1", "s2", "s3", "s4"], 1.0),
        (["s4", "s3", "s2", "s1"], 0.0),  # reversed: no step followed by its successor
        (["s2", "s3", "s4", "s1"], 2 / 3),  # first step moved last: two of three links kept
        (["s1", "s3", "s2", "s4"], 0.0),  # middle swap breaks all three links
    ],
)
def test_ordering_scores_steps_followed_by_their_right_successor(order, score):
    assert grade("ordering", SPECS["ordering"], {"order": order}).score == pytest.approx(
        score, abs=1e-3
    )


def test_a_single_choice_option_worth_half_gives_half_the_marks():
    spec = {
        "options": [
            {"key": "a", "text": {"fr": "juste"}, "correct": True},
            {"key": "b", "text": {"fr": "à moitié"}, "correct": False, "fraction": 0.5},
            {"key": "c", "text": {"fr": "faux"}, "correct": False},
        ]
    }
    assert grade("single", spec, {"choice": "b"}).score == 0.5
    assert not grade("single", spec, {"choice": "b"}).correct
    assert grade("single", spec, {"choice": "c"}).score == 0.0


def test_uneven_weights_of_a_multiple_answer_item_are_honoured():
    spec = {
        "options": [
            {"key": "a", "text": {"fr": "a"}, "correct": True, "fraction": 0.9},
            {"key": "b", "text": {"fr": "b"}, "correct": True, "fraction": 0.1},
            {"key": "c", "text": {"fr": "c"}, "correct": False, "fraction": -1.0},
        ]
    }
    assert grade("multiple", spec, {"choices": ["a"]}).score == 0.9
    assert grade("multiple", spec, {"choices": ["b"]}).score == 0.1
    assert grade("multiple", spec, {"choices": ["a", "b"]}).correct
    assert grade("multiple", spec, {"choices": ["a", "c"]}).score == 0.0


def test_a_third_each_adds_up_to_full_marks():
    third = 0.3333333
    spec = {
        "options": [
            *({"key": k, "text": {"fr": k}, "correct": True, "fraction": third} for k in "abc"),
            {"key": "d", "text": {"fr": "d"}, "correct": False, "fraction": -1.0},
        ]
    }
    assert grade("multiple", spec, {"choices": ["a", "b", "c"]}).correct


NUMERICAL = {
    "answers": [
        {"value": 1822, "tolerance": 0, "fraction": 1.0},
        {"value": 1822, "tolerance": 2, "fraction": 0.5, "misconception": "off-by-one"},
    ]
}


@pytest.mark.parametrize(("value", "score"), [(1822, 1.0), (1821, 0.5), (1824, 0.5), (1825, 0.0)])
def test_a_numerical_item_gives_the_credit_of_the_first_answer_within_tolerance(value, score):
    assert grade("numerical", NUMERICAL, {"value": float(value)}).score == score


def test_a_numerical_tolerance_of_a_decimal_is_not_lost_to_rounding():
    spec = {"answers": [{"value": 3.1415, "tolerance": 0.0005, "fraction": 1.0}]}
    assert grade("numerical", spec, {"value": 3.141}).correct
    assert grade("numerical", spec, {"value": 3.142}).correct
    assert not grade("numerical", spec, {"value": 3.143}).correct


def test_a_short_answer_keeps_its_partial_credit_and_its_wildcard():
    spec = {
        "answers": [
            {"text": "Frog", "fraction": 1.0},
            {"text": "Cat", "fraction": 0.5},
            {"text": "*", "fraction": 0.0},
        ]
    }
    assert grade("short", spec, {"value": "frog"}).correct
    assert grade("short", spec, {"value": "CAT"}).score == 0.5
    assert grade("short", spec, {"value": "dog"}).score == 0.0


def test_the_wildcard_matches_any_run_of_characters_and_an_escaped_star_only_itself():
    spec = {"answers": [{"text": "smtp*", "fraction": 1.0}, {"text": r"a\*b", "fraction": 1.0}]}
    assert grade("short", spec, {"value": "SMTPS"}).correct
    assert grade("short", spec, {"value": "smtp"}).correct
    assert grade("short", spec, {"value": "a*b"}).correct
    assert not grade("short", spec, {"value": "axb"}).correct


def test_a_case_sensitive_short_answer_stays_case_sensitive():
    spec = {"answers": [{"text": "MAIL FROM", "fraction": 1.0}], "usecase": True}
    assert grade("short", spec, {"value": "MAIL FROM"}).correct
    assert not grade("short", spec, {"value": "mail from"}).correct
