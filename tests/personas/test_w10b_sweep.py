"""Every page of item analysis, question authoring and trainer lab management, swept by persona.

Each persona (visitor, trainee, other_trainee, trainer, other_trainer) calls every URL
with its own objects and with every other persona's: a visitor is sent to log in, a
trainee is refused (403), a trainer reaches their own groups' objects and gets a 404
for anyone else's, and nothing changes on a refused call.
"""

import pytest
from django.urls import reverse

from quizapp.grouplabs.models import LabAccess, LabAction
from quizapp.lab.models import LabMailbox, LabRun
from tests.grouplabs.conftest import make_group
from tests.itemanalysis.conftest import make_question, topic  # noqa: F401
from tests.lab import conftest_web as web

in_english = web.in_english
lab_data_dir = web.lab_data_dir
make_lab = web.make_lab
fresh_rate_limits = web.fresh_rate_limits

pytestmark = pytest.mark.django_db
PERSONAS = ["visitor", "trainee", "other_trainee", "trainer", "other_trainer"]


@pytest.fixture
def world(trainer, other_trainer, trainee, other_trainee, make_lab, make_question):  # noqa: F811
    """Two trainers, each with a group, a lab, a mailbox and a run of their trainee."""
    owned = {}
    for name, (coach, pupil) in {
        "trainer": (trainer, trainee),
        "other_trainer": (other_trainer, other_trainee),
    }.items():
        group = make_group(f"Group of {name}", coach, pupil)
        lab = make_lab(f"Lab of {name}", created_by=coach)
        mailbox = LabMailbox.objects.create(user=pupil, lab=lab, name=pupil.username, password="p")
        run = LabRun.objects.create(user=pupil, lab=lab, kind=LabRun.Kind.PORT_MAP)
        owned[name] = {"group": group, "lab": lab, "mailbox": mailbox, "run": run, "pupil": pupil}
    owned["trainee"] = owned["trainer"]  # a trainee's objects are their trainer's group's
    owned["other_trainee"] = owned["other_trainer"]
    owned["visitor"] = owned["other_trainer"]
    return {
        "users": {
            "visitor": None,
            "trainee": trainee,
            "other_trainee": other_trainee,
            "trainer": trainer,
            "other_trainer": other_trainer,
        },
        "owned": owned,
        "question": make_question("shared"),
    }


def calls(objects, question) -> list[tuple[str, str, dict]]:
    """Return (method, url, data) for every URL, filled with `objects`' ids."""
    lab, group, mailbox = objects["lab"], objects["group"], objects["mailbox"]
    q = {"pk": question.pk}
    return [
        ("get", reverse("itemanalysis:page") + f"?group={group.pk}", {}),
        ("get", reverse("grouplabs:manage", kwargs={"pk": lab.pk}) + f"?group={group.pk}", {}),
        ("post", reverse("grouplabs:create_mailboxes", kwargs={"pk": lab.pk}), {"group": group.pk}),
        (
            "post",
            reverse("grouplabs:reset_password", kwargs={"pk": lab.pk, "mailbox_pk": mailbox.pk}),
            {"group": group.pk},
        ),
        ("post", reverse("grouplabs:access", kwargs={"pk": lab.pk}), {"groups": [group.pk]}),
        ("get", reverse("grouplabs:runs") + f"?group={group.pk}", {}),
        ("get", reverse("grouplabs:runs") + f"?trainee={objects['pupil'].pk}", {}),
        ("get", objects["run"].get_absolute_url(), {}),
        ("get", reverse("authoring:list"), {}),
        ("get", reverse("authoring:preview", kwargs=q), {}),
        ("get", reverse("authoring:edit", kwargs=q), {}),
        ("post", reverse("authoring:status", kwargs=q), {"status": "published"}),
        (
            "post",
            reverse("authoring:bulk_status"),
            {"question": [question.pk], "status": "published"},
        ),
    ]


SIDE = {"trainer": "a", "trainee": "a", "other_trainer": "b", "other_trainee": "b"}


def expected(persona: str, owner: str, url: str) -> int | tuple[int, ...]:
    """Return the status `persona` should get on `url` filled with `owner`'s side's ids."""
    mine = SIDE.get(persona) == SIDE[owner]
    if persona == "visitor":
        return 302
    if "/runs/" in url and "/trainer/" not in url and persona in ("trainee", "other_trainee"):
        return 200 if mine else 404  # a trainee's own run page
    if persona in ("trainee", "other_trainee"):
        return 403
    if "/questions/" in url:
        return (200, 302)  # the bank is shared by every trainer
    return (200, 302) if mine else 404


def _snapshot():
    return (
        sorted(LabMailbox.objects.values_list("pk", "password")),
        LabAccess.objects.count(),
        LabAction.objects.count(),
    )


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("owner", ["trainer", "other_trainer", "trainee", "other_trainee"])
def test_every_url_for_every_persona_with_every_ones_ids(client, world, persona, owner):
    user = world["users"][persona]
    if user is not None:
        client.force_login(user)
    failures = []
    for method, url, data in calls(world["owned"][owner], world["question"]):
        before = _snapshot()
        response = getattr(client, method)(url, data)
        want = expected(persona, owner, url)
        ok = (
            response.status_code in want
            if isinstance(want, tuple)
            else response.status_code == want
        )
        if not ok:
            failures.append((method, url, response.status_code, want))
        if (
            response.status_code in (302, 403, 404)
            and method == "post"
            and "/questions/" not in url
        ):
            refused = persona in ("visitor", "trainee", "other_trainee")
            refused = refused or SIDE[owner] != SIDE[persona]
            if refused and _snapshot() != before:
                failures.append((method, url, "changed data", "nothing changed"))
    assert failures == []
