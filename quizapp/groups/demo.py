"""Demo data: a group with the demo trainees and practice the dashboard can show.

The simulated trainees answer through the real workflow (the engine picks the
items, `record_answer` grades and learns), on days spread over the last two
weeks, so every summary a trainer reads is the one real answers would build.
"""

import math
import random
from datetime import timedelta
from unittest import mock

from django.db import transaction
from django.utils import timezone

from quizapp.accounts.models import User
from quizapp.groups import services
from quizapp.groups.models import Group, Membership
from quizapp.practice.models import Learner, PracticeSession
from quizapp.practice.services import record_answer, serve_next, start_session

DEMO_GROUP = "Groupe démo"
SIMULATED = 6


def simulated_answer(question, *, right: bool, rng: random.Random) -> dict:
    """Return a canonical answer to `question`, right or wrong (a misconception when one exists)."""
    spec, kind = question.spec, question.type
    if kind in ("single", "multiple"):
        good = [o["key"] for o in spec["options"] if o.get("correct")]
        bad = [o for o in spec["options"] if not o.get("correct")]
        tagged = [o["key"] for o in bad if o.get("misconception")] or [o["key"] for o in bad]
        if kind == "single":
            return {"choice": good[0] if right else rng.choice(tagged)}
        return {"choices": sorted(good if right else [*good[:-1], rng.choice(tagged)])}
    if kind == "truefalse":
        return {"value": spec["answer"] if right else not spec["answer"]}
    if kind == "port":
        wrong = [int(k) for k in (spec.get("misconceptions") or {}) if k.isdigit()] or [25]
        return {"value": spec["accepted"][0] if right else rng.choice(wrong)}
    if kind == "short":
        wrong = list(spec.get("misconceptions") or {}) or ["?"]
        return {"value": spec["accepted"][0] if right else rng.choice(wrong)}
    if kind == "matching":
        keys = [p["key"] for p in spec["pairs"]]
        shown = keys if right else keys[1:] + keys[:1]
        return {"pairs": dict(zip(keys, shown, strict=True))}
    if kind == "ordering":
        keys = [s["key"] for s in spec["steps"]]
        return {"order": keys if right else keys[::-1]}
    raise ValueError(kind)


def _demo_users(count: int) -> list[User]:
    users = []
    for n in range(1, count + 1):
        user, created = User.objects.get_or_create(
            username=f"demo-{n:02d}", defaults={"role": User.Role.TRAINEE}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        users.append(user)
    return users


class _Clock:
    """A clock that moves on a few seconds at each reading: answers take time."""

    def __init__(self, start, rng):
        self.moment, self.rng = start, rng

    def __call__(self):
        self.moment += timedelta(seconds=self.rng.uniform(1, 12))
        return self.moment


def _practise(user, *, ability: float, days: int, per_day: int, rng, now) -> int:
    learner, _ = Learner.objects.get_or_create(user=user)
    answered = 0
    for back in range(days, -1, -1):
        if rng.random() < 0.35:  # not every day
            continue
        moment = now - timedelta(days=back, hours=rng.randint(1, 5))
        with mock.patch("django.utils.timezone.now", _Clock(moment, rng)):
            session = start_session(learner=learner, scope="course", size=per_day)
            for _ in range(per_day):
                served = list(session.items.values_list("question_id", flat=True))
                item = serve_next(session=session, served=served)
                if item is None:
                    break
                ability += 0.04  # practice helps a little
                p = 1 / (1 + math.exp(-(ability - item.question.difficulty)))
                given = simulated_answer(item.question, right=rng.random() < p, rng=rng)
                # The learner model as it is now, as a request would read it.
                item.session.learner = Learner.objects.select_related("model").get(pk=learner.pk)
                record_answer(item=item, given=given)
                answered += 1
            PracticeSession.objects.filter(pk=session.pk).update(finished_at=moment)
    return answered


@transaction.atomic
def seed_demo_group(*, trainer, trainees, days: int = 10, per_day: int = 5, seed: int = 7):
    """Create the demo group with `trainees` and simulated ones; return (group, answers)."""
    rng = random.Random(seed)  # noqa: S311  (a simulation, not a secret)
    group = services.create_group(
        trainer=trainer,
        name=DEMO_GROUP,
        assessment_date=timezone.localdate() + timedelta(days=9),
    )
    everyone = [*trainees, *_demo_users(SIMULATED)]
    answers = 0
    now = timezone.now()
    for index, user in enumerate(everyone):
        Membership.objects.get_or_create(group=group, trainee=user)
        quiet = index == len(everyone) - 1  # one trainee who stopped: "no practice for a week"
        ability = rng.gauss(0.3, 0.9)
        answers += _practise(
            user,
            ability=ability,
            days=days,
            per_day=per_day,
            rng=rng,
            now=now - timedelta(days=8) if quiet else now,
        )
    return group, answers


def demo_group_exists() -> bool:
    return Group.objects.filter(name=DEMO_GROUP).exists()
