import pytest

from quizapp.lab.server.smtp import Refusal, route_recipient

DOMAIN = "lab.facteur.test"


def exists(name):
    return name == "alice"


def test_local_recipient_is_routed_to_their_mailbox():
    assert route_recipient("Alice@LAB.facteur.test", DOMAIN, exists, authenticated=False) == "alice"


def test_foreign_domain_is_relay_denied_for_strangers():
    with pytest.raises(Refusal) as refused:
        route_recipient("bob@example.net", DOMAIN, exists, authenticated=False)
    assert refused.value.code == 554 and "Relay access denied" in refused.value.text


def test_foreign_domain_is_refused_with_an_explanation_for_users():
    with pytest.raises(Refusal) as refused:
        route_recipient("bob@example.net", DOMAIN, exists, authenticated=True)
    assert refused.value.code == 550 and DOMAIN in refused.value.text


@pytest.mark.parametrize("address", ["nobody@lab.facteur.test", "../x@lab.facteur.test"])
def test_unknown_local_user_is_refused(address):
    with pytest.raises(Refusal) as refused:
        route_recipient(address, DOMAIN, exists, authenticated=True)
    assert refused.value.code == 550 and "User unknown" in refused.value.text
