"""Exercise 4's check: investigate the trainee's endpoint, grade the answer, keep the proof.

Runs in a lab worker thread like the other checks (quizapp/lab/runner.py).
"""

import dataclasses

from quizapp.lab.exercises.diagnose import Answer, grade_diagnosis
from quizapp.lab.faults.evidence import Endpoint, investigate
from quizapp.lab.faults.models import FaultTicket
from quizapp.lab.models import LabMailbox, LabRun


def check_diagnosis(run: LabRun) -> None:
    ticket = FaultTicket.objects.filter(pk=run.answers.get("ticket"), user=run.user).first()
    mailbox = LabMailbox.objects.filter(user=run.user, lab=run.lab).first()
    if ticket is None or mailbox is None:
        run.fail("no_ticket")
        return
    lab = run.lab
    endpoint = Endpoint(
        lab.host,
        ticket.port,
        lab.probe_networks(),
        lab.domain,
        login=mailbox.address,
        password=mailbox.password,
    )
    transcript = investigate(endpoint, ticket.fault, ticket.params)
    answer = Answer(
        run.answers.get("diagnosis", ""),
        run.answers.get("setting", ""),
        run.answers.get("value", ""),
    )
    verdict = grade_diagnosis(ticket.fault, answer, ticket.grading_context())
    outcome = {
        "fault": ticket.fault,
        "ticket": ticket.pk,
        "verdict": dataclasses.asdict(verdict),
        "evidence": [dataclasses.asdict(line) for line in transcript.lines],
        "proof": transcript.proof,
    }
    run.finish(verdict.grade, outcome)
