import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from quizapp.exams import certificates
from quizapp.exams.models import Attempt, Certificate
from tests.exams.helpers import answer_data, save_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def passed(client, trainee, fixed_exam, clock):
    trainee.first_name, trainee.last_name = "Zoé", "Lefèvre"
    trainee.save()
    client.force_login(trainee)
    client.post(reverse("exams:start", kwargs={"slug": fixed_exam.slug}))
    attempt = Attempt.objects.get()
    for item in attempt.items.all():
        client.post(save_url(item), {**answer_data(item), "go": "next"})
    client.post(reverse("exams:submit", args=[attempt.pk]))
    client.get(reverse("exams:results", args=[attempt.pk]))
    attempt.refresh_from_db()
    return attempt


def test_a_passed_exam_gives_a_pdf_with_its_fields(client, passed):
    certificate = passed.certificate
    response = client.get(reverse("exams:certificate", args=[passed.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Attestation de préparation" in text, text
    assert "Zoé Lefèvre" in text
    assert "Examen blanc" in text
    assert "100" in text and "%" in text
    assert "Ports" in text and "Rôles" in text  # the result per topic
    assert certificate.code in text
    assert f"/verify/{certificate.code}/" in text


def test_the_public_page_confirms_name_exam_date_and_result_only(client, passed):
    certificate = passed.certificate
    client.logout()
    page = client.get(certificate.get_absolute_url())
    body = page.content.decode()
    assert page.status_code == 200
    assert "Zoé Lefèvre" in body and "Examen blanc" in body
    assert "100 %" not in body  # the score is the holder's business
    assert "Ports" not in body


@pytest.mark.parametrize("change", ["token", "mac", "shape"])
def test_a_forged_or_altered_code_is_refused(client, passed, change):
    code = passed.certificate.code
    token, rest, mac = code.split("-")
    forged = {
        "token": f"{token[:3]}{'A' if token[3] != 'A' else 'B'}-{rest}-{mac}",
        "mac": f"{token}-{rest}-{mac[:-1]}{'0' if mac[-1] != '0' else '1'}",
        "shape": code.replace("-", ""),
    }[change]
    response = client.get(reverse("verify", kwargs={"code": forged}))
    assert response.status_code == 404
    assert "Zoé" not in response.content.decode()


def test_a_genuine_looking_code_never_issued_is_refused(client, passed):
    code = certificates.new_code()
    assert certificates.is_genuine(code)
    assert client.get(reverse("verify", kwargs={"code": code})).status_code == 404


def test_the_trainee_can_withdraw_the_certificate(client, passed):
    url = passed.certificate.get_absolute_url()
    client.post(reverse("exams:withdraw", args=[passed.pk]))
    assert Certificate.objects.get().withdrawn_at is not None
    assert client.get(url).status_code == 404
    assert client.get(reverse("exams:certificate", args=[passed.pk])).status_code == 404
    # Seeing the results again does not bring it back.
    client.get(reverse("exams:results", args=[passed.pk]))
    assert Certificate.objects.get().withdrawn_at is not None


def test_a_failed_exam_gives_no_certificate(client, trainee, fixed_exam, clock):
    client.force_login(trainee)
    client.post(reverse("exams:start", kwargs={"slug": fixed_exam.slug}))
    attempt = Attempt.objects.get()
    client.post(reverse("exams:submit", args=[attempt.pk]))
    client.get(reverse("exams:results", args=[attempt.pk]))
    assert not Certificate.objects.exists()
    assert client.get(reverse("exams:certificate", args=[attempt.pk])).status_code == 404


def test_a_name_cannot_inject_typst_markup(passed):
    certificate = passed.certificate
    certificate.holder_name = '#panic("x") ] $ \\ #include "/etc/passwd"'
    pdf = certificates.render_pdf(certificate, verify_url="http://testserver/verify/x/")
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert '#panic("x")' in text
