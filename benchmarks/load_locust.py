"""The class that benchmarks/load.py replays, as locust users (run by load.py, not alone).

Trainees log in, start a session and answer with 2-5 s of thought (LOAD_THINK=0:
none, for saturation); a few read the course; one trainer reloads the lab runs
page. Answers are posted as htmx does (the feedback fragment), then the next
question is fetched. Each process writes how many answers it saw acknowledged.
"""

import itertools
import json
import os
import random
import re
import threading

from locust import HttpUser, between, constant, events, task

THINK = os.environ.get("LOAD_THINK", "1") != "0"
TRAINEES = int(os.environ.get("LOAD_TRAINEES", "200"))
SECTIONS = os.environ.get("LOAD_SECTIONS", "").split(",")
PAGE = os.environ.get("LOAD_PAGE", "")  # saturation of one page alone: /bench/minimal/ ...
HX = {"HX-Request": "true"}
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ACTION = re.compile(r'action="(/practice/\d+/answer/\d+/)"')
RADIO = re.compile(r'type="(radio|checkbox)" name="([^"]+)" value="([^"]+)"')
TEXT = re.compile(r'name="(value)" type="(number|text)"')
SELECT = re.compile(r'<select id="[^"]+" name="([^"]+)"')
OPTION = re.compile(r'<option value="([^"]+)"')

_accounts = itertools.count(1)
SESSIONS = (
    json.loads(open(os.environ["LOAD_SESSIONS"]).read())  # noqa: SIM115
    if os.environ.get("LOAD_SESSIONS")
    else {}
)
_lock = threading.Lock()
acknowledged = {"answers": 0, "refused": 0}


def fill(form_html: str) -> dict:
    """Return an answer to whatever question the form shows (right or wrong does not matter)."""
    data = {}
    for kind, name, value in RADIO.findall(form_html):
        data.setdefault(name, value if kind == "radio" else [value])
    for name, kind in TEXT.findall(form_html):
        data[name] = "587" if kind == "number" else "STARTTLS"
    selects = SELECT.findall(form_html)
    ranks = [name for name in selects if name.startswith("rank-")]
    order = random.sample(range(1, len(ranks) + 1), len(ranks))  # a ranking is a permutation
    data.update({name: str(rank) for name, rank in zip(ranks, order, strict=True)})
    for name in selects:
        if name in data:
            continue
        tail = form_html[form_html.index(f'name="{name}"') :]
        options = OPTION.findall(tail.split("</select>", 1)[0])
        data[name] = random.choice(options)
    return data


class Trainee(HttpUser):
    weight = 18
    wait_time = between(2, 5) if THINK else constant(0)

    def on_start(self):
        with _lock:
            self.number = (next(_accounts) - 1) % TRAINEES + 1
        username = f"load{self.number}"
        if SESSIONS:  # arrive logged in (see load.py); else log in now
            self.client.cookies.set("sessionid", SESSIONS[username])
            page = self.client.get("/practice/", name="practice home").text
            self.csrf = self.client.cookies.get("csrftoken") or CSRF.search(page).group(1)
        else:
            self.login(username)
        self.page = ""
        self.start_session()

    def login(self, username: str) -> None:
        page = self.client.get("/accounts/login/", name="login page").text
        token = CSRF.search(page).group(1)
        self.csrf = token
        self.client.post(
            "/accounts/login/",
            {"username": username, "password": "load-pass-1", "csrfmiddlewaretoken": token},
            name="login",
        )
        self.csrf = self.client.cookies.get("csrftoken", token)

    def start_session(self) -> None:
        response = self.client.post(
            "/practice/",
            {"scope": "course", "size": "20", "csrfmiddlewaretoken": self.csrf},
            name="start session",
        )
        self.session_url = response.url
        self.page = response.text

    @task
    def answer_and_next(self):
        found = ACTION.search(self.page)
        if found is None:  # the summary: a new session
            self.start_session()
            return
        form = self.page[found.start() : self.page.find("</form>", found.start())]
        data = {**fill(form), "csrfmiddlewaretoken": self.csrf}
        headers = {**HX, "X-CSRFToken": self.csrf}
        with self.client.post(
            found.group(1), data, headers=headers, name="answer", catch_response=True
        ) as response:
            if response.status_code == 200 and "feedback" in response.text:
                with _lock:
                    acknowledged["answers"] += 1
            else:
                with _lock:
                    acknowledged["refused"] += 1
                response.failure(f"answer not acknowledged ({response.status_code})")
        self.page = self.client.get(self.session_url, headers=HX, name="next").text


class Reader(HttpUser):
    weight = 2
    wait_time = between(5, 15) if THINK else constant(0)

    @task
    def read(self):
        if SECTIONS and SECTIONS[0]:
            slug = random.choice(SECTIONS)
            self.client.get(f"/course/{slug}/", name="course section")
        else:
            self.client.get("/course/", name="course")


class Trainer(HttpUser):
    fixed_count = 1
    wait_time = between(5, 10) if THINK else constant(0)

    def on_start(self):
        page = self.client.get("/accounts/login/", name="login page").text
        token = CSRF.search(page).group(1)
        self.client.post(
            "/accounts/login/",
            {"username": "loadtrainer", "password": "load-pass-1", "csrfmiddlewaretoken": token},
            name="login",
        )

    @task
    def dashboard(self):
        self.client.get("/lab/trainer/runs/", name="trainer runs")


class OnePage(HttpUser):
    """Saturation of a single page (LOAD_PAGE), to compare pages in one run."""

    weight = 0
    wait_time = constant(0)

    @task
    def get(self):
        self.client.get(PAGE, name=PAGE)


if PAGE:  # only the one page is loaded
    Trainee.weight = Reader.weight = 0
    Trainer.fixed_count = 0
    OnePage.weight = 1


@events.test_stop.add_listener
def _report(environment, **kwargs):
    path = os.environ.get("LOAD_ACK_FILE")
    if path:
        with open(path, "w") as out:
            json.dump(acknowledged, out)
