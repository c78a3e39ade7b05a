"""Clients fetch the lab's settings at the addresses they know; a trainee gets their profile."""

import plistlib

import pytest
from defusedxml import ElementTree as ET
from django.urls import reverse

from tests.lab import conftest_web as web

fresh_rate_limits = web.fresh_rate_limits
in_english = web.in_english
lab_data_dir = web.lab_data_dir
make_lab = web.make_lab
pytestmark = pytest.mark.django_db

PORTS = {"relay_port": 2525, "submission_port": 2587, "imaps_port": 2993, "pop3_port": 2110}


def ports_of(response) -> list[str]:
    return [
        s.findtext("port")
        for s in ET.fromstring(response.content).find("emailProvider")
        if s.tag.endswith("Server")
    ]


@pytest.mark.parametrize(
    "path", ["/mail/config-v1.1.xml", "/.well-known/autoconfig/mail/config-v1.1.xml"]
)
def test_it_answers_thunderbird_for_an_address_of_the_lab_domain(client, make_lab, path):
    make_lab(**PORTS)

    response = client.get(path, {"emailaddress": "ana@LAB.facteur.test"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    assert ports_of(response) == ["2993", "2110", "2587"]


def test_it_prefers_the_embedded_lab_of_a_domain(client, make_lab):
    make_lab("A outside", **PORTS)
    make_lab("B embedded", embedded=True, imap_port=3143)

    response = client.get("/mail/config-v1.1.xml", {"emailaddress": "ana@lab.facteur.test"})

    assert ports_of(response) == ["3143"]


def test_it_knows_no_domain_of_an_inactive_or_unknown_lab(client, make_lab):
    make_lab(active=False, **PORTS)

    assert (
        client.get("/mail/config-v1.1.xml", {"emailaddress": "a@lab.facteur.test"}).status_code
        == 404
    )
    assert client.get("/mail/config-v1.1.xml", {"emailaddress": "a@other.test"}).status_code == 404


def test_it_refuses_an_address_without_a_domain_with_a_message(client, make_lab):
    response = client.get("/mail/config-v1.1.xml", {"emailaddress": "ana"})

    assert response.status_code == 400
    assert "@lab.example" in response.text


def test_outlook_gets_its_autodiscover_answer(client, make_lab):
    make_lab(**PORTS)
    body = (
        '<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/'
        'requestschema/2006"><Request><EMailAddress>ana@lab.facteur.test</EMailAddress>'
        "</Request></Autodiscover>"
    )

    response = client.post("/autodiscover/autodiscover.xml", body, content_type="text/xml")

    assert response.status_code == 200
    assert b"<LoginName>ana@lab.facteur.test</LoginName>" in response.content


@pytest.mark.parametrize(
    "body", ["not xml", "<Autodiscover/>", "<!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>"]
)
def test_outlook_gets_a_400_for_a_request_without_an_address(client, make_lab, body):
    make_lab(**PORTS)

    response = client.post("/autodiscover/autodiscover.xml", body, content_type="text/xml")

    assert response.status_code == 400


def test_a_trainee_downloads_a_profile_for_their_own_mailbox(client, trainee, make_lab):
    lab = make_lab(embedded=True, **PORTS)
    client.force_login(trainee)

    response = client.get(reverse("lab:mobileconfig", kwargs={"pk": lab.pk}))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-apple-aspen-config"
    account = plistlib.loads(response.content)["PayloadContent"][0]
    assert account["EmailAddress"] == trainee.lab_mailboxes.get().address


def test_the_profile_and_the_lab_file_need_a_login(client, make_lab):
    lab = make_lab(embedded=True, **PORTS)

    for name in ("lab:mobileconfig", "lab:autoconfig"):
        assert client.get(reverse(name, kwargs={"pk": lab.pk})).status_code == 302


def test_the_lab_page_shows_each_clients_words_beside_the_autoconfig(client, trainee, make_lab):
    lab = make_lab(embedded=True, **PORTS)
    client.force_login(trainee)

    response = client.get(lab.get_absolute_url())

    assert response.status_code == 200
    page = response.text
    for words in (
        "Connection security",
        "Normal password",
        "« SSL/TLS »",
        "« STARTTLS »",
        "&lt;socketType&gt;SSL&lt;/socketType&gt;",
        "_imaps._tcp.lab.facteur.test.",
    ):
        assert words in page
    tables = response.context["client_setup"]["tables"]
    thunderbird = tables[0]["rows"]
    assert [(r["port"], str(r["security"]), r["socket_type"]) for r in thunderbird] == [
        (2993, "SSL/TLS", "SSL"),
        (2110, "STARTTLS", "STARTTLS"),
        (2587, "STARTTLS", "STARTTLS"),
    ]


def test_the_french_page_uses_the_clients_french_words(client, trainee, make_lab):
    from django.utils import translation

    lab = make_lab(embedded=True, **PORTS)
    client.force_login(trainee)
    with translation.override("fr"):
        response = client.get(lab.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr")

    assert "« Mot de passe normal »" in response.text
    assert "Sécurité de la connexion" in response.text
