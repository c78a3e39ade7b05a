"""Every URL of the site, posted odd data by every kind of user, answers below 500.

The URLs are read from the resolver, so a view added later is fuzzed too. Each
URL is filled with the ids of real objects (a session with a served question, a
lab, a run), and the posted fields are the ones its page shows plus random
ones, with values that have broken views before: superscript digits, NUL bytes,
whitespace only, very long text, several values for one name, random files.
"""

import random
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from quizapp.accounts.models import User
from quizapp.bank.specs import shuffled_keys
from quizapp.lab.models import LabRun
from quizapp.practice.models import PracticeSession, SessionItem
from quizapp.practice.services import learner_for, serve_next, start_session
from tests.practice.conftest import SPECS, bank  # noqa: F401  (one question of each type)

ODD = st.sampled_from(
    ["", " ", "\t\n ", "²", "¹²", "٥٨٧", "587", "0", "-1", "1e9", "true", "\x00", "a\x00b",
     "é" * 2000, "<script>", "' OR 1=1 --", "../../etc/passwd", "[]", "{}", "null"]
)  # fmt: skip
TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=80)
VALUE = st.one_of(ODD, TEXT, st.lists(st.one_of(ODD, TEXT), min_size=2, max_size=3))
ODD_FIRST = st.one_of(ODD, ODD, VALUE)
FIELD_NAME = re.compile(r'name="([^"]+)"')
# Django's own admin pages past its login are staff-only and Django's: only the login is ours.
ADMIN_KEPT = {"admin:login", "admin:logout", "admin:index"}


def _walk(resolvers, namespace="", converters=None):
    for entry in resolvers:
        found = {**(converters or {}), **getattr(entry.pattern, "converters", {})}
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, inner, found)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", found


def url_names():
    names = sorted(dict(_walk(get_resolver().url_patterns)).items())
    return [
        (name, tuple(sorted(conv))) for name, conv in names
        if not name.startswith("admin:") or name in ADMIN_KEPT
    ]  # fmt: skip


@pytest.fixture
def world(bank, trainee, trainer, settings, tmp_path):  # noqa: F811
    """Real objects for URL ids: a trainee's session with a served item, a lab, a run."""
    from tests.lab.conftest_web import DOMAIN

    settings.LAB_DATA_DIR = tmp_path / "lab"
    settings.MAIL_TO_CONSOLE = True
    learner = learner_for(_request_for(trainee))
    session = start_session(learner=learner, scope=PracticeSession.Scope.COURSE, size=5)
    serve_next(session=session, served=[])
    from quizapp.lab.models import LabServer

    lab = LabServer.objects.create(
        name="Lab F", host="127.0.0.1", allowed_networks="127.0.0.1/32", domain=DOMAIN,
        relay_port=2525, created_by=trainer, embedded=True,
    )  # fmt: skip
    run = LabRun.objects.create(user=trainee, lab=lab, kind=LabRun.Kind.PORT_MAP)
    superuser = User.objects.create_superuser("root", "root@example.org", "secret-pass-5")
    return {
        "ids": sorted({session.pk, lab.pk, run.pk, 1, 2}),
        "slug": bank["single"].section.slug,
        "users": {"visitor": None, "trainee": trainee, "trainer": trainer, "root": superuser},
        # The URLs whose ids must name real objects for the view to do any work.
        "real": {
            "practice:session": {"pk": session.pk},
            "practice:answer": {"pk": session.pk, "position": 1},
            "lab:lab": {"pk": lab.pk},
            "lab:check": {"pk": lab.pk, "kind": "port_map"},
            "lab:practice_messages": {"pk": lab.pk},
            "lab:run": {"pk": run.pk},
            "lab:trainer_lab_edit": {"pk": lab.pk},
        },
    }


def _request_for(user):
    class Request:
        pass

    request = Request()
    request.user = user
    return request


VALUES_FOR = {
    "kind": ["port_map", "send_fetch", "pop_vs_imap", "nope"],
    "format": ["json", "moodle", "gift", "csv"],
    "lang": ["fr", "en", "de"],
    "uidb64": ["MQ", "xx"],
    "token": ["set-password", "abc-123"],
    "code": ["ABCDEF", "zz"],
}


def _kwargs(conv_names, world):
    """Return a strategy of URL kwargs: ids of real objects, or of missing ones."""
    candidates = {
        name: [world["slug"], "nope"] if name == "slug"
        else VALUES_FOR.get(name, world["ids"])
        for name in conv_names
    }  # fmt: skip
    return st.fixed_dictionaries({name: st.sampled_from(c) for name, c in candidates.items()})


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["visitor", "trainee", "trainer", "root"])
def test_no_post_anywhere_gets_a_server_error(world, persona):
    client = Client()
    if world["users"][persona] is not None:
        client.force_login(world["users"][persona])
    for name, conv_names in url_names():
        real = world["real"].get(name)
        fields = []
        if real is not None or not conv_names:  # the page's own form tells the field names
            page = client.get(reverse(name, kwargs=real or {}))
            assert page.status_code < 500, (name, page.status_code)
            fields = sorted(set(FIELD_NAME.findall(page.content.decode(errors="replace"))))
        kwargs = _kwargs(conv_names, world)
        urls = st.one_of(st.just(real), kwargs) if real else kwargs
        _fuzz(client, urls.map(lambda k, name=name: reverse(name, kwargs=k)), fields)


def _fuzz(client, urls, fields):
    names = st.sampled_from([*fields, "value", "choice", "file", "x"]) if fields else TEXT
    files = st.binary(max_size=600).map(lambda b: SimpleUploadedFile("bank.xml", b))

    @settings(
        max_examples=8,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(
        url=urls,
        data=st.dictionaries(names, VALUE, max_size=6),
        upload=st.one_of(st.none(), files),
        htmx=st.booleans(),
    )
    def post_odd(url, data, upload, htmx):
        if upload is not None:
            data = {**data, "file": upload}
        headers = {"HX-Request": "true"} if htmx else {}
        response = client.post(url, data, headers=headers)
        assert response.status_code < 500, (url, data, response.status_code)

    post_odd()


ANSWER_FIELDS = ["value", "choice", "match-0", "match-1", "match-2", "rank-0", "rank-1", "rank-2"]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(SPECS))
def test_odd_answers_to_every_question_type_are_refused_not_failed(bank, trainee, kind):  # noqa: F811
    """Each example posts to a fresh served question: a valid answer would end the fuzzing."""
    learner = learner_for(_request_for(trainee))
    session = start_session(learner=learner, scope=PracticeSession.Scope.COURSE, size=5)
    question = bank[kind]
    SessionItem.objects.create(
        session=session,
        position=1,
        question=question,
        choice_order=shuffled_keys(question.type, question.spec, random.Random(0)),
        served_at=timezone.now(),
    )
    client = Client()
    client.force_login(trainee)
    url = reverse("practice:answer", kwargs={"pk": session.pk, "position": 1})

    @settings(max_examples=40, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
    @given(data=st.fixed_dictionaries({}, optional=dict.fromkeys(ANSWER_FIELDS, ODD_FIRST)))
    @example(data={"value": "²"})  # the inputs that broke the site once stay in every run
    @example(data={"value": "¹²"})
    @example(data={"value": "a\x00b"})
    @example(data={"value": " \t "})
    def post_odd(data):
        with transaction.atomic():
            response = client.post(url, data, headers={"HX-Request": "true"})
            transaction.set_rollback(True)
        assert response.status_code in (200, 400), (data, response.status_code)

    post_odd()
