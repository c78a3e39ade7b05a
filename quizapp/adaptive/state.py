"""Plain, serialisable state of the adaptive engine: items, learners and their sessions.

Every class here round-trips through `to_dict()` / `from_dict()` with JSON-friendly values only
(numbers, strings, lists, dicts with string keys), so the web layer can keep them in a JSONField
and rebuild the engine's view on each request without replaying any history.

Item ids may be ints or strings; maps keyed by item id are stored as lists of pairs so that
integer ids survive a JSON round trip.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from quizapp.adaptive import model

ItemId = int | str

PRACTICE = "practice"
EXAM = "exam"
MODES = (PRACTICE, EXAM)


@dataclass(frozen=True, slots=True)
class ItemMeta:
    """What the bank tells the engine about an item: never its true parameters."""

    id: ItemId
    options: int | None = None
    topic: str = ""
    difficulty: float | None = None
    kind: str = ""  # the item type ("truefalse", "ordering"...), for the mix of a session


@dataclass(slots=True)
class ItemState:
    """Learned parameters of one item: Gaussian beliefs about difficulty and discrimination.

    `b` and `a` are the means and `var` and `var_a` their variances; `var_a` = 0 means the
    discrimination is not learned and stays at 1.
    """

    id: ItemId
    options: int | None = None
    topic: str = ""
    b: float = 0.0
    var: float = 1.0
    answers: int = 0
    a: float = 1.0
    var_a: float = 0.0
    kind: str = ""

    @property
    def guess(self) -> float:
        return model.guess_floor(self.options)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "options": self.options,
            "topic": self.topic,
            "b": self.b,
            "var": self.var,
            "answers": self.answers,
            "a": self.a,
            "var_a": self.var_a,
            "kind": self.kind,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ItemState:
        return cls(
            id=data["id"],
            options=data.get("options"),
            topic=data.get("topic") or "",
            b=float(data["b"]),
            var=float(data["var"]),
            answers=int(data.get("answers", 0)),
            a=float(data.get("a", 1.0)),
            var_a=float(data.get("var_a", 0.0)),
            kind=data.get("kind") or "",
        )


@dataclass(slots=True)
class TopicState:
    """A learner's offset on one topic relative to their overall ability (Gaussian belief)."""

    mean: float = 0.0
    var: float = 0.25
    answers: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"mean": self.mean, "var": self.var, "answers": self.answers}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TopicState:
        return cls(float(data["mean"]), float(data["var"]), int(data.get("answers", 0)))


@dataclass(slots=True)
class SessionState:
    """What selection needs to remember inside one practice or exam session."""

    mode: str = PRACTICE
    started: float = 0.0
    served: list[ItemId] = field(default_factory=list)
    outcomes: list[bool] = field(default_factory=list)
    # Missed items as [item, position served]; an item leaves the list once brought back.
    missed: list[list[Any]] = field(default_factory=list)
    last_retry: int = -1_000_000
    # [topic, kind] of each item served, for the mix of types (see `mix.py`).
    mix: list[list[str]] = field(default_factory=list)
    # Exam only: log-likelihood of the exam answers on the ability grid.
    exam_loglik: list[float] | None = None

    @property
    def position(self) -> int:
        return len(self.served)

    @property
    def exam_answers(self) -> int:
        return len(self.served) if self.mode == EXAM else 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "started": self.started,
            "served": list(self.served),
            "outcomes": list(self.outcomes),
            "missed": [list(pair) for pair in self.missed],
            "last_retry": self.last_retry,
            "mix": [list(pair) for pair in self.mix],
            "exam_loglik": None if self.exam_loglik is None else list(self.exam_loglik),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SessionState:
        loglik = data.get("exam_loglik")
        return cls(
            mode=data["mode"],
            started=float(data.get("started", 0.0)),
            served=list(data.get("served", [])),
            outcomes=[bool(x) for x in data.get("outcomes", [])],
            missed=[list(pair) for pair in data.get("missed", [])],
            last_retry=int(data.get("last_retry", -1_000_000)),
            mix=[[str(topic), str(kind)] for topic, kind in data.get("mix", [])],
            exam_loglik=None if loglik is None else [float(x) for x in loglik],
        )


@dataclass(slots=True)
class LearnerState:
    """Everything the engine knows about one learner, loadable without replaying history.

    `loglik` is the log-likelihood of all the learner's evidence on the ability grid of
    `model.GRID`; the population prior is added when it is read, so changing the prior never
    requires rewriting learners. `recent` maps an item to the learner's answer counter when it
    was last served, bounded to the most recent items.
    """

    loglik: list[float] = field(default_factory=model.flat_loglik)
    answers: int = 0
    served_total: int = 0
    last_t: float | None = None
    topics: dict[str, TopicState] = field(default_factory=dict)
    recent: dict[ItemId, int] = field(default_factory=dict)
    session: SessionState | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "loglik": list(self.loglik),
            "answers": self.answers,
            "served_total": self.served_total,
            "last_t": self.last_t,
            "topics": {name: topic.to_dict() for name, topic in self.topics.items()},
            "recent": [[item, index] for item, index in self.recent.items()],
            "session": None if self.session is None else self.session.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LearnerState:
        loglik = [float(x) for x in data["loglik"]]
        if len(loglik) != len(model.GRID):
            raise ValueError("learner state was saved on a different ability grid")
        session = data.get("session")
        return cls(
            loglik=loglik,
            answers=int(data.get("answers", 0)),
            served_total=int(data.get("served_total", 0)),
            last_t=data.get("last_t"),
            topics={k: TopicState.from_dict(v) for k, v in data.get("topics", {}).items()},
            recent={item: int(index) for item, index in data.get("recent", [])},
            session=None if session is None else SessionState.from_dict(session),
        )

    def topic(self, name: str, prior_var: float) -> TopicState:
        """Return the learner's state on topic `name`, creating it at the prior."""
        state = self.topics.get(name)
        if state is None:
            state = self.topics[name] = TopicState(0.0, prior_var, 0)
        return state

    def remember(self, item: ItemId, limit: int) -> None:
        """Note that `item` was served now, forgetting the oldest items beyond `limit`."""
        self.recent.pop(item, None)
        self.recent[item] = self.served_total
        while len(self.recent) > limit:
            del self.recent[next(iter(self.recent))]
