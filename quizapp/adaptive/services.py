"""The adaptive engine in the web: pick the next item, learn from an answer, report mastery.

Each request builds an engine over a few hundred candidates fetched by SQL (the
items nearest the learner's level, plus due reviews and missed items), never
the whole bank or the whole history.
"""

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Max, Min
from django.utils import timezone

from course.models import Topic
from quizapp.adaptive.charts import HEIGHT, WIDTH, mastery_lines
from quizapp.adaptive.engine import PRACTICE, Engine, ItemMeta, ItemState, LearnerState
from quizapp.adaptive.mastery import readiness, topic_mastery
from quizapp.adaptive.models import ItemStat, LearnerModel, ReviewCard
from quizapp.adaptive.outlook import due_count
from quizapp.adaptive.reviews import CardState, rating_for, review, utcnow
from quizapp.bank.models import Question
from quizapp.practice.models import Learner

ENGINE_CONFIG = None  # the engine's own defaults, validated by benchmarks/adaptive_sim.py
CANDIDATES = 300
# Difficulty at which a learner of ability θ succeeds about 3 times in 4 on a
# four-option item: the window of candidates is centred there.
TARGET_OFFSET = 0.9


def new_engine() -> Engine:
    return Engine(ENGINE_CONFIG) if ENGINE_CONFIG else Engine()


def learner_state(profile: LearnerModel | None) -> LearnerState:
    """Return the engine state stored for a learner (a fresh one if none)."""
    if profile is None or not profile.state.get("engine"):
        return LearnerState()
    return LearnerState.from_dict(profile.state["engine"])


CANDIDATE_FIELDS = (
    "pk",
    "main_topic__slug",
    "difficulty",
    "guess_options",
    "stat__b",
    "stat__var",
    "stat__answers",
    "stat__a",
    "stat__var_a",
    "type",
)


def engine_for(rows) -> Engine:
    """Return an engine over candidate rows (tuples of CANDIDATE_FIELDS) at their state.

    Rows rather than model instances: building a few hundred Question objects
    (and decoding their specs) would cost more than the whole choice.
    """
    engine = new_engine()
    metas, states = [], {}
    for pk, topic, difficulty, options, b, var, answers, a, var_a, kind in rows:
        metas.append(ItemMeta(pk, options, topic, difficulty, kind))
        if b is not None:
            states[pk] = ItemState(pk, options, topic, b, var, answers, a, var_a, kind)
    engine.reset(metas, states)
    return engine


def question_row(question: Question) -> tuple:
    """Return a question already loaded (with main_topic and stat) as a candidate row."""
    stat = getattr(question, "stat", None)
    learned = (stat.b, stat.var, stat.answers, stat.a, stat.var_a) if stat else (None,) * 5
    return (
        question.pk,
        question.main_topic.slug,
        question.difficulty,
        question.option_count(),
        *learned,
        question.type,
    )


def in_scope(queryset, session):
    """Limit questions to a practice session's scope."""
    if session.topic_id:
        return queryset.filter(topics=session.topic_id)
    if session.section_id:
        return queryset.filter(main_topic__in=session.section.topics.values("pk"))
    return queryset


@dataclass(frozen=True)
class Pick:
    question: Question
    reason: str
    topic: str | None
    probe: bool


def _candidates(*, session, theta: float, served: set[int], extra: set[int], probe: bool):
    scope = in_scope(Question.objects.published(), session)
    fresh = scope.exclude(pk__in=served)
    if probe:  # an unbiased random item judges the model: not only items near the level
        window = _random_rows(fresh, PROBE_CANDIDATES)
    else:
        window = _nearest_rows(fresh, theta - TARGET_OFFSET, CANDIDATES)
    missing = extra - {row[0] for row in window}
    if missing:
        window += list(scope.filter(pk__in=missing).values_list(*CANDIDATE_FIELDS))
    return window


PROBE_CANDIDATES = 20
_B = CANDIDATE_FIELDS.index("stat__b")


def _nearest_rows(questions, target: float, count: int) -> list[tuple]:
    """Return the `count` rows whose effective difficulty is nearest `target`.

    The effective difficulty is ItemStat.b: every question gets its row, at its
    difficulty prior, when it is created (receivers.py), and the column is
    indexed. Two range scans walk the index outwards from the target, so the
    cost grows with `count`, not with the bank (ORDER BY ABS(...) sorted it all).
    """
    sides = [
        _Side(questions.filter(stat__b__gte=target).order_by("stat__b")),
        _Side(questions.filter(stat__b__lt=target).order_by("-stat__b")),
    ]
    sides[0].fetch(count - count // 2)
    sides[1].fetch(count // 2)
    while True:
        nearest = sorted(sides[0].rows + sides[1].rows, key=lambda row: abs(row[_B] - target))[
            :count
        ]
        # A side whose every fetched row made the cut may hold nearer ones still.
        short = [side for side in sides if side.more and len(side.rows) <= _kept(side, nearest)]
        if not short:
            return nearest
        for side in short:
            side.fetch(count)


class _Side:
    """One direction of the walk from the target: rows fetched so far, in order."""

    def __init__(self, queryset) -> None:
        self.queryset, self.rows, self.more = queryset, [], True

    def fetch(self, size: int) -> None:
        start = len(self.rows)
        batch = list(self.queryset.values_list(*CANDIDATE_FIELDS)[start : start + size])
        self.rows += batch
        self.more = len(batch) == size


def _kept(side: _Side, nearest: list[tuple]) -> int:
    ids = {row[0] for row in side.rows}
    return sum(row[0] in ids for row in nearest)


def _random_rows(questions, count: int) -> list[tuple]:
    """Return up to `count` rows drawn uniformly, without sorting the bank by RANDOM().

    Ids are guessed uniformly between the smallest and largest; every existing
    item is as likely to be guessed as any other, so the draw stays uniform.
    """
    bounds = questions.aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        return []
    rng = random.SystemRandom()
    guesses = {rng.randint(bounds["low"], bounds["high"]) for _ in range(count * 4)}
    rows = list(questions.filter(pk__in=guesses).values_list(*CANDIDATE_FIELDS)[:count])
    if len(rows) < count // 2:  # a sparse range of ids (a small scope): sort after all
        rows = list(questions.order_by("?").values_list(*CANDIDATE_FIELDS)[:count])
    return rows


def pick_next(*, profile, session, served: set[int], due_only: bool = False) -> Pick | None:
    """Return the engine's next question for this session, or None when nothing is left."""
    state = learner_state(profile)
    engine = new_engine()
    if state.session is None or (profile and profile.state.get("session") != session.pk):
        engine.start_session(state, PRACTICE)
    theta, _se = engine.ability(state)
    due = set(
        ReviewCard.objects.filter(
            learner_id=session.learner_id,
            due__lte=utcnow(),
            question__in=in_scope(Question.objects.published(), session),
        )
        .exclude(question_id__in=served)
        .values_list("question_id", flat=True)[:50]
    )
    missed = {item for item, _pos in state.session.missed}
    probe = state.session.position % engine.config.probe_every == engine.config.probe_every - 1
    if due_only:
        candidates = list(Question.objects.filter(pk__in=due).values_list(*CANDIDATE_FIELDS))
    else:
        candidates = _candidates(
            session=session, theta=theta, served=served, extra=due | missed, probe=probe
        )
    if not candidates:
        return None
    engine = engine_for(candidates)
    choice = engine.next_item(state, PRACTICE, due=due)
    if choice is None:
        return None
    question = Question.objects.select_related("main_topic", "section").get(pk=choice.item)
    return Pick(question, choice.reason, choice.topic, choice.probe)


@dataclass(frozen=True)
class Learned:
    predicted: float
    rating: int


def learn_from_answer(
    *,
    profile,
    learner_id,
    session_id,
    question,
    correct: bool,
    score: float,
    elapsed: timedelta | None,
    when,
) -> Learned:
    """Update the learner's model, the item's difficulty and the review card.

    Returns the prediction made before the answer and the FSRS rating given.
    Runs inside the answer's transaction. `profile` may have been read before
    it: the save only succeeds if nobody changed it since, else it is read
    again under lock and the update redone, so no answer is ever lost.
    """
    while True:
        state = learner_state(profile)
        engine = engine_for([question_row(question)])
        if state.session is None or profile is None or profile.state.get("session") != session_id:
            engine.start_session(state, PRACTICE)
        old = engine.items[question.pk]
        before = (old.b, old.var, old.a, old.var_a)
        # The score, not only right or wrong: partial credit is evidence too.
        predicted = engine.record(state, question.pk, score, when.timestamp())
        history = mastery_history(profile, engine, state, when)
        if _save_profile(profile, learner_id, state, session_id, history):
            break
        profile = LearnerModel.objects.select_for_update().get(learner_id=learner_id)
    _shift_item(question, before, engine.items[question.pk])
    rating = _review_card(learner_id, question.pk, score, elapsed, when)
    return Learned(predicted, int(rating))


HISTORY_DAYS = 90


def mastery_history(profile, engine: Engine, state: LearnerState, when) -> dict:
    """Return the learner's daily mastery per topic, today's point set from `state`.

    One point per local day and topic answered (the last state of the day), the last
    HISTORY_DAYS days kept: the line per topic is drawn from it, with no replay of answers.
    """
    history = dict((profile.state.get("history") if profile else None) or {})
    day = timezone.localdate(when).isoformat()
    history[day] = {
        slug: round(100 * _sigmoid(engine.ability(state, slug)[0])) for slug in state.topics
    }
    return {key: history[key] for key in sorted(history)[-HISTORY_DAYS:]}


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _save_profile(profile, learner_id, state: LearnerState, session_id, history: dict) -> bool:
    """Store the new state if the row is still as read; return False on a conflict."""
    data = {"engine": state.to_dict(), "session": session_id, "history": history}
    if profile is None:
        # Two tabs can bring a new learner's first answers at once: the loser of
        # the race reads the winner's row and redoes its update on top of it.
        return _created(LearnerModel, learner_id=learner_id, state=data, answers=1)
    return bool(
        LearnerModel.objects.filter(pk=learner_id, answers=profile.answers).update(
            state=data, answers=F("answers") + 1, updated_at=utcnow()
        )
    )


def _shift_item(question, before: tuple, new: ItemState) -> None:
    """Apply the change as a delta, so concurrent answers on one item all count."""
    b, var, a, var_a = before
    updated = ItemStat.objects.filter(pk=question.pk).update(
        b=F("b") + (new.b - b),
        var=F("var") + (new.var - var),
        a=F("a") + (new.a - a),
        var_a=F("var_a") + (new.var_a - var_a),
        answers=F("answers") + 1,
    )
    if updated:
        return
    fields = {"b": new.b, "var": new.var, "a": new.a, "var_a": new.var_a, "answers": 1}
    if not _created(ItemStat, question=question, **fields):
        # The item's first two answers came at once: add this one to the winner's row.
        _shift_item(question, before, new)


def _review_card(learner_id, question_id, score, elapsed, when):
    row = ReviewCard.objects.filter(learner_id=learner_id, question_id=question_id).first()
    known_before = row is not None and row.state == 2  # already in long-term review
    rating = rating_for(score=score, elapsed=elapsed, known_before=known_before)
    before = (
        CardState(row.state, row.step, row.stability, row.difficulty, row.due, row.last_review)
        if row
        else CardState()
    )
    after = review(before, rating, when, card_id=question_id)
    fields = {
        "state": after.state,
        "step": after.step,
        "stability": after.stability,
        "difficulty": after.difficulty,
        "due": after.due,
        "last_review": after.last_review,
    }
    if row is None:
        if not _created(ReviewCard, learner_id=learner_id, question_id=question_id, **fields):
            # Two sessions served the item and answered it at once: review on the winner's card.
            return _review_card(learner_id, question_id, score, elapsed, when)
    else:
        ReviewCard.objects.filter(pk=row.pk).update(**fields)
    return rating


def _created(model, **fields) -> bool:
    """Insert a row; return False if a concurrent request inserted it first.

    The insert runs in a savepoint, so that losing the race leaves the answer's
    transaction usable (PostgreSQL aborts a transaction on any failed statement).
    """
    try:
        with transaction.atomic():
            model.objects.create(**fields)
    except IntegrityError:
        return False
    return True


REVIEW_SESSION_MAX = 30


@dataclass(frozen=True)
class Progress:
    topics: list
    readiness: object
    due: int
    history: dict
    next_due: object = None

    @property
    def next_soon(self) -> bool:
        """Return True when the next review is under a minute away ("in 0 minutes" says nothing)."""
        return self.next_due is not None and self.next_due - utcnow() < timedelta(minutes=1)

    @property
    def chart(self) -> dict:
        """Return the mastery-over-time picture's lines, and a table of the same figures."""
        lines, days = mastery_lines(self.history, self.topics)
        rows = [
            (date.fromisoformat(day), [self.history[day].get(t.slug) for t in self.topics])
            for day in days
        ]
        return {"lines": lines, "rows": rows, "width": WIDTH, "height": HEIGHT}

    @property
    def review_size(self) -> int:
        """Return how many due reviews one review session takes on."""
        return min(self.due, REVIEW_SESSION_MAX)


def progress_for(learner) -> Progress:
    """Return mastery per topic and over time, readiness and the reviews due for a learner."""
    profile = LearnerModel.objects.filter(learner=learner).first() if learner else None
    state = learner_state(profile)
    engine = new_engine()
    now = utcnow()
    due = due_count(learner, now=now)
    upcoming = None
    if learner is not None and not due:
        later = ReviewCard.objects.filter(learner=learner, due__gt=now).order_by("due")
        upcoming = later.values_list("due", flat=True).first()
    topics = topic_mastery(engine, state, Topic.objects.all())
    history = (profile.state.get("history") if profile else None) or {}
    return Progress(topics, readiness(engine, state, topics), due, history, upcoming)


# The topic each lab exercise gives evidence on.
LAB_TOPICS = {
    "port_map": "ports-security",
    "send_fetch": "client-setup",
    "pop_vs_imap": "pop3-imap",
    "diagnose": "diagnostics",
}
LAB_PASS = 0.75
# A lab check counts as LAB_WEIGHT answers, each on an open item of known average difficulty.
# Why 4: a check verifies at least four separate facts of its topic on a real server, each a
# fact one quiz item asks alone (port map: the protocol and the security of each of 6 ports;
# send and fetch: submission port, TLS mode, authentication, then the Received: path; POP3
# versus IMAP: what DELE at QUIT removes, what \Seen keeps, on two messages), and none can be
# guessed. Counted as one answer, three checks at 100 % moved mastery by 7 to 14 points,
# less than two right true/false items; as four answers of known difficulty, they move it as
# a short session of open answers does (tests/adaptive/test_web.py measures it).
LAB_WEIGHT = 4
LAB_ITEM_VAR = 0.05


@transaction.atomic
def learn_from_lab(*, user, kind: str, grade: float) -> None:
    """Count a graded lab check as LAB_WEIGHT answers on its topic (passed at 75 %).

    Recorded outside the learner's practice session, which is left as it was.
    """
    learner, _ = Learner.objects.get_or_create(user=user)
    profile = LearnerModel.objects.select_for_update().filter(learner=learner).first()
    state = learner_state(profile)
    engine = new_engine()
    topic = LAB_TOPICS[kind]
    items = [f"lab:{kind}:{n}" for n in range(LAB_WEIGHT)]
    states = {i: ItemState(i, None, topic, 0.0, LAB_ITEM_VAR, 0, 1.0, 0.0, "lab") for i in items}
    engine.reset([ItemMeta(i, None, topic, 0.0, "lab") for i in items], states)
    practice = state.session
    engine.start_session(state, PRACTICE)
    when = utcnow()
    for item in items:
        engine.record(state, item, grade >= LAB_PASS, when.timestamp())
    state.session = practice
    data = {
        "engine": state.to_dict(),
        "session": profile.state.get("session") if profile else None,
        "history": mastery_history(profile, engine, state, when),
    }
    LearnerModel.objects.update_or_create(
        learner=learner,
        defaults={"state": data, "answers": (profile.answers if profile else 0) + 1},
    )


def move_review_cards(*, source, target) -> None:
    """Give `target` the review cards of `source` for items it has no card for yet.

    The account's own learner model stays: it has seen more than a visit.
    """
    taken = ReviewCard.objects.filter(learner=target).values("question_id")
    ReviewCard.objects.filter(learner=source).exclude(question_id__in=taken).update(learner=target)


@transaction.atomic
def learn_from_exam(*, learner_id, answers) -> list[Learned]:
    """Learn from a closed exam's graded answers as from practice, outside the practice session.

    `answers` lists (question, correct, score, elapsed, when) with questions loaded with
    main_topic and stat. The learner's practice session is left as it was, the items'
    difficulties move and the review cards are scheduled, as for practice answers.
    """
    profile = LearnerModel.objects.select_for_update().filter(learner_id=learner_id).first()
    state = learner_state(profile)
    engine = engine_for([question_row(question) for question, *_ in answers])
    practice = state.session
    engine.start_session(state, PRACTICE)
    learned = []
    for question, correct, score, elapsed, when in answers:
        old = engine.items[question.pk]
        before = (old.b, old.var, old.a, old.var_a)
        predicted = engine.record(state, question.pk, correct, when.timestamp())
        _shift_item(question, before, engine.items[question.pk])
        rating = _review_card(learner_id, question.pk, score, elapsed, when)
        learned.append(Learned(predicted, int(rating)))
    state.session = practice
    data = {"engine": state.to_dict(), "session": profile.state.get("session") if profile else None}
    LearnerModel.objects.update_or_create(
        learner_id=learner_id,
        defaults={"state": data, "answers": (profile.answers if profile else 0) + len(answers)},
    )
    return learned
