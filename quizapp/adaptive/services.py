"""The adaptive engine in the web: pick the next item, learn from an answer, report mastery.

Each request builds an engine over a few hundred candidates fetched by SQL (the
items nearest the learner's level, plus due reviews and missed items), never
the whole bank or the whole history.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, FloatField
from django.db.models.functions import Abs, Coalesce

from course.models import Topic
from quizapp.adaptive.engine import PRACTICE, Engine, ItemMeta, ItemState, LearnerState
from quizapp.adaptive.mastery import readiness, topic_mastery
from quizapp.adaptive.models import ItemStat, LearnerModel, ReviewCard
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
)


def engine_for(rows) -> Engine:
    """Return an engine over candidate rows (tuples of CANDIDATE_FIELDS) at their state.

    Rows rather than model instances: building a few hundred Question objects
    (and decoding their specs) would cost more than the whole choice.
    """
    engine = new_engine()
    metas, states = [], {}
    for pk, topic, difficulty, options, b, var, answers, a, var_a in rows:
        metas.append(ItemMeta(id=pk, options=options, topic=topic, difficulty=difficulty))
        if b is not None:
            states[pk] = ItemState(pk, options, topic, b, var, answers, a, var_a)
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
        window = list(fresh.order_by("?").values_list(*CANDIDATE_FIELDS)[:20])
    else:
        difficulty = Coalesce(F("stat__b"), F("difficulty"), output_field=FloatField())
        distance = Abs(difficulty - (theta - TARGET_OFFSET))
        window = list(
            fresh.annotate(distance=distance)
            .order_by("distance")
            .values_list(*CANDIDATE_FIELDS)[:CANDIDATES]
        )
    missing = extra - {row[0] for row in window}
    if missing:
        window += list(scope.filter(pk__in=missing).values_list(*CANDIDATE_FIELDS))
    return window


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
        predicted = engine.record(state, question.pk, correct, when.timestamp())
        if _save_profile(profile, learner_id, state, session_id):
            break
        profile = LearnerModel.objects.select_for_update().get(learner_id=learner_id)
    _shift_item(question, before, engine.items[question.pk])
    rating = _review_card(learner_id, question.pk, score, elapsed, when)
    return Learned(predicted, int(rating))


def _save_profile(profile, learner_id, state: LearnerState, session_id) -> bool:
    """Store the new state if the row is still as read; return False on a conflict."""
    data = {"engine": state.to_dict(), "session": session_id}
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

    @property
    def review_size(self) -> int:
        """Return how many due reviews one review session takes on."""
        return min(self.due, REVIEW_SESSION_MAX)


def progress_for(learner) -> Progress:
    """Return mastery per topic, readiness and the number of reviews due for a learner."""
    profile = LearnerModel.objects.filter(learner=learner).first() if learner else None
    state = learner_state(profile)
    engine = new_engine()
    due = ReviewCard.objects.filter(learner=learner, due__lte=utcnow()).count() if learner else 0
    topics = topic_mastery(engine, state, Topic.objects.all())
    return Progress(topics, readiness(engine, state), due)


# The topic each lab exercise gives evidence on.
LAB_TOPICS = {
    "port_map": "ports-security",
    "send_fetch": "client-setup",
    "pop_vs_imap": "pop3-imap",
}
LAB_PASS = 0.75


@transaction.atomic
def learn_from_lab(*, user, kind: str, grade: float) -> None:
    """Count a graded lab check as one answer on its topic (passed at 75 %).

    The check is an open task of average difficulty with no guessing; it is
    recorded outside the learner's practice session, which is left as it was.
    """
    learner, _ = Learner.objects.get_or_create(user=user)
    profile = LearnerModel.objects.select_for_update().filter(learner=learner).first()
    state = learner_state(profile)
    engine = new_engine()
    item = f"lab:{kind}"
    engine.reset([ItemMeta(id=item, options=None, topic=LAB_TOPICS[kind], difficulty=0.0)])
    practice = state.session
    engine.start_session(state, PRACTICE)
    engine.record(state, item, grade >= LAB_PASS, utcnow().timestamp())
    state.session = practice
    data = {"engine": state.to_dict(), "session": profile.state.get("session") if profile else None}
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
