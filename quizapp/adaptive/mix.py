"""The mix of item types in a practice session: near the bank's, a third true/false at most.

Aiming every pick at P = 0.75 favours items with a high guessing floor: a struggling learner
reaches 75 % on a true/false item long before an open answer of the same difficulty, so a
session left alone fills with true/false. Three rules keep the aim and fix the mix:

- a soft one: an item's score (in logits, lower is better) gains `type_weight` for each item
  its type is behind its share, once in the session and once within the item's topic, and
  loses as much when ahead. Shares are those of the candidates, so of the chosen scope;
- a cap: no true/false pick that would take true/false above `truefalse_cap` of the session;
- a deadline: once the free slots left before the `type_horizon`-th item are no more than the
  types of the scope not met yet, only those types are picked.

Probes stay uniformly random and retries stay retries: they judge the model and memory.
Sessions of items without a type (the simulation's S1-S3) are left exactly as they were.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from quizapp.adaptive.config import Config
from quizapp.adaptive.state import SessionState

TRUEFALSE = "truefalse"


@dataclass(frozen=True, slots=True)
class Mix:
    """The candidates' type shares against what the session has served so far."""

    shares: dict[str, float]
    topic_shares: dict[tuple[str, str], float]
    served: Counter
    topic_served: Counter
    topic_total: Counter
    position: int

    @classmethod
    def of(cls, kinds: Counter, session: SessionState | None) -> Mix:
        """Return the mix of candidates counted by (topic, kind), against `session`."""
        total = sum(kinds.values()) or 1
        shares: Counter = Counter()
        per_topic: Counter = Counter()
        for (topic, kind), count in kinds.items():
            shares[kind] += count / total
            per_topic[topic] += count
        topic_shares = {key: count / per_topic[key[0]] for key, count in kinds.items()}
        mix = session.mix if session is not None else []
        return cls(
            shares=dict(shares),
            topic_shares=topic_shares,
            served=Counter(kind for _topic, kind in mix),
            topic_served=Counter((topic, kind) for topic, kind in mix),
            topic_total=Counter(topic for topic, _kind in mix),
            position=len(mix),
        )

    def bonus(self, topic: str, kind: str, cfg: Config) -> float:
        """Return, in logits, how much the mix wants one more item of `kind` on `topic`."""
        behind = self.shares.get(kind, 0.0) * (self.position + 1) - self.served[kind]
        share = self.topic_shares.get((topic, kind), 0.0)
        behind_in_topic = share * (self.topic_total[topic] + 1) - self.topic_served[(topic, kind)]
        return cfg.type_weight * (behind + behind_in_topic)

    def allows(self, kind: str, cfg: Config) -> bool:
        """Return False when one more item of `kind` would break the true/false cap."""
        if kind != TRUEFALSE:
            return True
        return self.served[kind] + 1 <= cfg.truefalse_cap * (self.position + 1)

    def urgent(self, cfg: Config) -> set[str]:
        """Return the types that must come now to be met before the horizon (else empty)."""
        if self.position >= cfg.type_horizon or len(self.shares) < 2:
            return set()
        missing = {kind for kind in self.shares if not self.served[kind]}
        every = cfg.probe_every
        probes = sum(1 for p in range(self.position, cfg.type_horizon) if p % every == every - 1)
        free = cfg.type_horizon - self.position - probes
        return missing if missing and free <= len(missing) else set()
