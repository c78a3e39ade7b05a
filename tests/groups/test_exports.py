import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.groups.conftest import practise

pytestmark = pytest.mark.django_db


def export(client, group, what, fmt, prefix="", **params):
    url = prefix + reverse("groups:export", kwargs={"pk": group.pk, "what": what, "fmt": fmt})
    response = client.get(url, params)
    assert response.status_code == 200
    assert response.streaming  # never one big string in memory
    return response, b"".join(response.streaming_content)


@pytest.fixture
def answered(client, trainer, group, member, bank):
    practise(member, bank["single"], right=False)
    practise(member, bank["port"], right=True)
    client.force_login(trainer)
    return group


def test_answers_csv_has_a_bom_semicolons_french_headers_and_one_row_per_answer(client, answered):
    response, body = export(client, answered, "answers", "csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [
        "Stagiaire",
        "Groupe",
        "Clé de la question",
        "Thème",
        "Type",
        "Score",
        "Juste",
        "Idées fausses",
        "Temps (s)",
        "Date",
        "Source",
    ]
    assert [(r[0], r[1], r[2], r[3], r[5], r[6], r[7]) for r in rows[1:]] == [
        ("alice", "BTS SIO 1", "q-single", "ports-security", "0,0", "non", "port-25-for-clients"),
        ("alice", "BTS SIO 1", "q-port", "ports-security", "1,0", "oui", ""),
    ]


def test_a_comma_separated_csv_on_request_and_english_headers_under_en(client, answered):
    _response, body = export(client, answered, "answers", "csv", prefix="/en", sep="comma")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Trainee", "Group", "Question key"]
    assert rows[1][5] == "0.0"


def test_the_table_xlsx_reads_back_as_the_dashboard(client, answered):
    response, body = export(client, answered, "table", "xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(body)).active
    header, row = (list(r) for r in sheet.iter_rows(values_only=True))
    assert header[0] == "Stagiaire"
    record = dict(zip(header, row, strict=True))
    assert record["Stagiaire"] == "alice"
    assert record["Ports : réponses"] == 2
    assert record["Réponses"] == 2
    assert record["Réponses des 7 derniers jours"] == 2
    assert record["Exercices du labo réussis"] == 0


def test_the_answers_xlsx_has_one_row_per_answer(client, answered):
    _response, body = export(client, answered, "answers", "xlsx", prefix="/en")
    rows = list(load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True))
    assert rows[0][0] == "Trainee"
    assert [(r[2], r[5], r[6]) for r in rows[1:]] == [
        ("q-single", 0.0, "no"),
        ("q-port", 1.0, "yes"),
    ]


def test_an_unknown_export_is_a_404(client, answered):
    url = reverse("groups:export", kwargs={"pk": answered.pk, "what": "secrets", "fmt": "csv"})
    assert client.get(url).status_code == 404
    url = reverse("groups:export", kwargs={"pk": answered.pk, "what": "table", "fmt": "pdf"})
    assert client.get(url).status_code == 404
