"""The adaptive form in the web: one item at a time, chosen and judged by `exam_rule`.

The cut is placed when the attempt starts, from the pass mark and the items' learned
parameters, and each served item keeps its parameters of that moment: the verdict of an
attempt does not move when the bank learns from other people's answers.
"""

import random

from quizapp.adaptive import exam_rule, model
from quizapp.adaptive.services import CANDIDATE_FIELDS, engine_for
from quizapp.adaptive.state import ItemState
from quizapp.bank import specs
from quizapp.exams.models import Attempt, AttemptItem, Exam


def bank_states(exam: Exam) -> dict[int, ItemState]:
    """Return the learned state of each item the blueprint may draw from."""
    rows = exam.eligible_questions().values_list(*CANDIDATE_FIELDS)
    return engine_for(list(rows)).items


def topic_shares(exam: Exam) -> dict[str, float]:
    return exam_rule.shares({rule.topic.slug: rule.items for rule in exam.rules.all()})


def rule_for(attempt: Attempt) -> exam_rule.ExamRule:
    return exam_rule.ExamRule(cut=attempt.cut)


def begin(attempt: Attempt) -> None:
    """Place the cut for this attempt and serve its first item."""
    states = bank_states(attempt.exam)
    attempt.cut = exam_rule.cut_for_score(list(states.values()), attempt.exam.pass_mark / 100)
    attempt.save(update_fields=["cut"])
    _serve(attempt, states, served=[])


def _served(attempt: Attempt) -> list[AttemptItem]:
    return list(attempt.items.order_by("position"))


def answers_of(items: list[AttemptItem]) -> list[tuple[ItemState, bool]]:
    """Return the answered items with the parameters they were served with."""
    return [(ItemState.from_dict(i.params), bool(i.correct)) for i in items if i.answered]


def current_verdict(attempt: Attempt, items: list[AttemptItem]) -> exam_rule.Verdict:
    shares = topic_shares(attempt.exam)
    topics = [i.params["topic"] for i in items if i.answered]
    covered = exam_rule.is_covered(shares, topics)
    return exam_rule.verdict(rule_for(attempt), answers_of(items), covered=covered)


def advance(attempt: Attempt) -> bool:
    """After an answer: return True if the test has decided, else serve the next item."""
    items = _served(attempt)
    verdict = current_verdict(attempt, items)
    if verdict.decision is not None:
        return True
    states = bank_states(attempt.exam)
    # With no item left, the verdict falls on the evidence so far.
    return not _serve(attempt, states, served=[i.question_id for i in items])


def _serve(attempt: Attempt, states: dict[int, ItemState], *, served: list[int]) -> bool:
    rng = random.Random()  # noqa: S311  (variety between trainees, not secrecy)
    ranked = exam_rule.ranked_by_topic(rule_for(attempt), states.values())
    pick = exam_rule.pick_covered(ranked, served, topic_shares(attempt.exam), rng)
    if pick is None:
        return False
    question = attempt.exam.eligible_questions().get(pk=pick.id)
    AttemptItem.objects.create(
        attempt=attempt,
        position=len(served) + 1,
        question=question,
        choice_order=specs.shuffled_keys(question.type, question.spec, rng),
        params=pick.to_dict(),
    )
    return True


def conclusion(attempt: Attempt, items: list[AttemptItem]) -> dict:
    """Return the verdict, the ability with its uncertainty and why the exam stopped."""
    verdict = current_verdict(attempt, items)
    loglik = model.flat_loglik()
    for state, correct in answers_of(items):
        guess = model.guess_floor(state.options)
        model.add_answer(loglik, -state.b, guess, 0.0, correct, a=state.a, var_a=0.0)
    theta, se = model.moments(model.weights(loglik, model.log_prior(0.0, 1.0)))
    decision = verdict.decision
    reason = verdict.reason
    if decision is None:  # closed by time or by the bank running out
        decision = exam_rule.PASSED if verdict.llr > 0 else exam_rule.FAILED
        reason = "time" if attempt.status == Attempt.Status.TIMED_OUT else exam_rule.EXHAUSTED
    states = list(bank_states(attempt.exam).values())
    expected = [
        round(100 * exam_rule.expected_score(states, value))
        for value in (theta - 1.96 * se, theta, theta + 1.96 * se)
    ]
    return {
        "passed": decision == exam_rule.PASSED,
        "reason": reason,
        "theta": theta,
        "se": se,
        "words": exam_rule.ability_words(theta, se, rule_for(attempt)),
        "expected": expected,
    }
