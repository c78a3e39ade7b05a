"""The grading of the three lab exercises: pure functions over what a check found."""

import base64

import pytest

from quizapp.lab.exercises import popimap, portmap, sendfetch
from quizapp.lab.exercises.popimap import GONE, MessageState

# Port map --------------------------------------------------------------------------------------


def result(state="open", protocol="smtp", security="starttls"):
    return {"state": state, "protocol": protocol, "security": security}


@pytest.mark.parametrize(
    ("found", "protocol", "security"),
    [
        (result(), "smtp", "starttls"),
        (result(protocol="imap", security="implicit_tls"), "imap", "implicit_tls"),
        (result(protocol="pop3", security="plaintext"), "pop3", "plaintext"),
        (result(protocol="other", security="plaintext"), "none", "plaintext"),
        (result(state="closed", protocol="unknown", security="unknown"), "none", "closed"),
        (result(state="filtered", protocol="unknown", security="unknown"), "none", "closed"),
    ],
)
def test_the_expected_answer_follows_what_the_probe_found(found, protocol, security):
    assert portmap.expected_for(found) == portmap.Expected(protocol, security)


def test_a_tls_server_that_refused_the_handshake_leaves_its_protocol_ungraded():
    found = result(protocol="unknown", security="implicit_tls")

    grade = portmap.grade_port({"protocol": "imap", "security": "implicit_tls"}, found)

    assert not grade.protocol.graded
    assert grade.security.right
    assert grade.score == 1.0


def test_a_silent_port_expects_nothing_and_leaves_security_ungraded():
    found = result(state="no_greeting", protocol="unknown", security="unknown")

    grade = portmap.grade_port({"protocol": "smtp", "security": "plaintext"}, found)

    assert grade.protocol.expected == "none"
    assert not grade.protocol.right
    assert not grade.security.graded
    assert grade.score == 0.0


def test_each_half_of_a_port_is_worth_one_point():
    half = portmap.grade_port({"protocol": "smtp", "security": "implicit_tls"}, result())
    full = portmap.grade_port({"protocol": "smtp", "security": "starttls"}, result())

    assert half.score == 0.5
    assert full.score == 1.0


def test_a_missing_answer_is_wrong_not_ungraded():
    grade = portmap.grade_port({}, result())

    assert grade.possible == 2
    assert grade.points == 0


def test_the_run_grade_counts_points_over_every_graded_half():
    grades = [
        portmap.grade_port({"protocol": "smtp", "security": "starttls"}, result()),
        portmap.grade_port({"protocol": "smtp", "security": "closed"}, result()),
        portmap.grade_port(
            {"protocol": "none", "security": "implicit_tls"},
            result(protocol="unknown", security="implicit_tls"),
        ),
    ]

    assert portmap.grade_run(grades) == pytest.approx(4 / 5)


def test_a_run_with_nothing_gradable_has_no_grade():
    ungradable = result(state="no_greeting", protocol="unknown", security="unknown")
    grade = portmap.grade_port({}, ungradable)

    assert portmap.grade_run([]) is None
    assert grade.possible == 1  # "none" is still the right protocol for a mute port


# Send and fetch --------------------------------------------------------------------------------

LAB_MDA = (
    "from mail.lab.facteur.test by mail.lab.facteur.test (Facteur lab MDA) with local "
    "id 4F2A for <alice@lab.facteur.test>; Mon, 6 Jan 2025 10:00:02 +0100"
)
LAB_MSA = (
    "from my-computer (localhost [127.0.0.1]) (using TLSv1.3 with cipher "
    "TLS_AES_256_GCM_SHA384) (Authenticated sender: alice) by mail.lab.facteur.test "
    "(Facteur lab) with ESMTPSA id 4F2A for <alice@lab.facteur.test>; "
    "Mon, 6 Jan 2025 10:00:01 +0100"
)
POSTFIX_MSA = (
    "from laptop (unknown [192.0.2.7]) (using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 "
    "(256/256 bits) key-exchange X25519 server-signature RSA-PSS (2048 bits)) (No client "
    "certificate requested) (Authenticated sender: alice) by smtp.example.org (Postfix) with "
    "ESMTPSA id 4Xy2; Mon, 6 Jan 2025 09:59:58 +0100"
)
POSTFIX_MX = (
    "from smtp.example.org (smtp.example.org [198.51.100.4]) (using TLSv1.3) by "
    "mx.example.net (Postfix) with ESMTPS id 9Qz1 for <bob@example.net>; Mon, 6 Jan 2025 "
    "09:59:59 +0100"
)
DOVECOT_LMTP = (
    "from mx.example.net by mx.example.net with LMTP id kD9s (envelope-from "
    "<alice@example.org>) for <bob@example.net>; Mon, 6 Jan 2025 10:00:00 +0100"
)
RELAYED_IN = (
    "from my-computer (localhost [127.0.0.1]) by mail.lab.facteur.test (Facteur lab) with "
    "ESMTP id 77AB for <alice@lab.facteur.test>; Mon, 6 Jan 2025 10:00:01 +0100"
)


def test_auth_plain_is_nul_login_nul_password_in_base64():
    encoded = sendfetch.auth_plain("alice@lab.facteur.test", "k7pm-x2qa-9dfe")

    assert base64.b64decode(encoded) == b"\0alice@lab.facteur.test\0k7pm-x2qa-9dfe"


def test_the_openssl_line_uses_starttls_only_where_the_service_upgrades():
    assert sendfetch.openssl_command("lab.example", 587, "smtp") == (
        "openssl s_client -starttls smtp -connect lab.example:587 -crlf -ign_eof"
    )
    assert sendfetch.openssl_command("::1", 993, None) == (
        "openssl s_client -connect [::1]:993 -crlf -ign_eof"
    )


def test_the_lab_headers_read_as_submission_then_delivery():
    hops = sendfetch.hops_from_received([LAB_MDA, LAB_MSA])

    assert [hop.role for hop in hops] == ["submission", "delivery"]
    first = hops[0]
    assert (first.from_host, first.from_address, first.by_host) == (
        "my-computer",
        "127.0.0.1",
        "mail.lab.facteur.test",
    )
    assert first.protocol == "ESMTPSA"
    assert first.tls and first.authenticated
    assert first.date == "Mon, 6 Jan 2025 10:00:01 +0100"


def test_a_postfix_and_dovecot_path_reads_msa_mta_mda_despite_nested_comments():
    hops = sendfetch.hops_from_received([DOVECOT_LMTP, POSTFIX_MX, POSTFIX_MSA])

    assert [hop.role for hop in hops] == ["submission", "relay", "delivery"]
    assert hops[0].by_host == "smtp.example.org"
    assert hops[0].from_address == "192.0.2.7"
    assert hops[1].tls and not hops[1].authenticated
    assert hops[2].protocol == "LMTP"


def test_exchange_style_headers_with_mapi_count_as_submission():
    header = (
        "from EX01.corp.example (10.0.0.5) by EX02.corp.example (10.0.0.6) with Microsoft "
        "SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id "
        "15.1.2507.39; Mon, 6 Jan 2025 10:00:00 +0000"
    )
    mapi = "from EX01.corp.example ([fe80::1]) by EX01.corp.example with mapi id 15.01.2507.039"

    hops = sendfetch.hops_from_received([header, mapi])

    assert [hop.role for hop in hops] == ["submission", "relay"]
    assert hops[1].tls
    assert hops[0].date == ""


LAB_HOSTS = ("127.0.0.1", "lab.facteur.test")
FORGED = (
    "from laptop (localhost [127.0.0.1]) (Authenticated sender: alice) by "
    "mail.lab.facteur.test (Facteur lab) with ESMTPSA id 0000 for <alice@lab.facteur.test>; "
    "Mon, 6 Jan 2025 09:00:00 +0100"
)


def test_a_message_that_came_through_the_relay_gets_half_marks():
    verdict = sendfetch.grade_send_fetch([[LAB_MDA, RELAYED_IN]], lab_hosts=LAB_HOSTS)

    assert verdict.code == "not_submitted"
    assert verdict.grade == 0.5
    assert verdict.hops[0].role == "unauthenticated"


def test_a_submitted_message_gets_full_marks_and_the_newest_message_counts():
    verdict = sendfetch.grade_send_fetch(
        [[LAB_MDA, RELAYED_IN], [LAB_MDA, LAB_MSA]], lab_hosts=LAB_HOSTS
    )

    assert verdict.code == "submitted"
    assert verdict.grade == 1.0
    assert len(verdict.hops) == 2


def test_no_message_found_gets_nothing():
    verdict = sendfetch.grade_send_fetch([], lab_hosts=LAB_HOSTS)

    assert (verdict.code, verdict.grade, verdict.hops) == ("not_found", 0.0, ())


def test_a_hand_written_esmtpsa_header_under_the_relay_hop_is_not_trusted():
    # The forgery of issue 14: relay port, no login, one Received: written by the client.
    verdict = sendfetch.grade_send_fetch([[LAB_MDA, RELAYED_IN, FORGED]], lab_hosts=LAB_HOSTS)

    assert (verdict.code, verdict.grade) == ("not_submitted", 0.5)
    assert [hop.role for hop in verdict.hops] == ["untrusted", "unauthenticated", "delivery"]


def test_headers_by_hosts_outside_the_lab_are_never_read_as_the_entry():
    outsider = FORGED.replace("mail.lab.facteur.test", "mail.evil.example")

    verdict = sendfetch.grade_send_fetch([[LAB_MDA, RELAYED_IN, outsider]], lab_hosts=LAB_HOSTS)

    assert verdict.hops[0].role == "untrusted"
    assert verdict.grade == 0.5


def test_the_mailbox_servers_own_name_is_trusted_even_if_the_lab_is_known_by_address():
    # Postfix + Dovecot calling themselves srv01.local, the lab configured as 192.0.2.5.
    lmtp = "from srv01.local by srv01.local with LMTP id kD9s; Mon, 6 Jan 2025 10:00:00 +0100"
    msa = POSTFIX_MSA.replace("smtp.example.org", "srv01.local")

    verdict = sendfetch.grade_send_fetch([[lmtp, msa]], lab_hosts=("192.0.2.5", "lab.example"))

    assert verdict.code == "submitted"


@pytest.mark.parametrize(
    ("origin", "code", "grade"),
    [
        (
            {"protocol": "smtp", "role": "submission", "login": "alice", "tls": "TLSv1.3"},
            "submitted",
            1.0,
        ),
        ({"protocol": "smtp", "role": "submissions", "login": "alice"}, "submitted", 1.0),
        ({"protocol": "smtp", "role": "smtp", "login": ""}, "not_submitted", 0.5),
        ({"protocol": "smtp", "role": "submission", "login": "bob"}, "not_submitted", 0.5),
        ({"protocol": "imap", "login": "alice"}, "appended", 0.5),
        (None, "not_submitted", 0.5),
    ],
)
def test_the_embedded_lab_grades_what_its_server_recorded(origin, code, grade):
    verdict = sendfetch.grade_origin(
        origin, "alice", [LAB_MDA, LAB_MSA, FORGED], lab_hosts=LAB_HOSTS
    )

    assert (verdict.code, verdict.grade) == (code, grade)


def test_a_header_without_the_usual_words_still_parses_into_an_empty_hop():
    hop = sendfetch.parse_received("garbage (unclosed comment")

    assert (hop.from_host, hop.by_host, hop.protocol, hop.date) == ("", "", "", "")


# POP3 versus IMAP ------------------------------------------------------------------------------

TOKEN = "POP-K7PM9Q"


def test_practice_messages_are_told_apart_by_their_subject_marker():
    first, second = popimap.states_from_subjects(
        TOKEN,
        [
            ("Practice message 2 [POP-K7PM9Q-2]", True),
            ("Something else", False),
            ("Practice message 1 [POP-OTHER-1]", False),
        ],
    )

    assert first == GONE
    assert second == MessageState(present=True, seen=True)


def test_first_gone_and_second_seen_is_full_marks():
    verdict = popimap.grade_pop_vs_imap(GONE, MessageState(True, seen=True))

    assert (verdict.grade, verdict.first, verdict.second) == (1.0, "gone", "seen")


def test_a_copy_left_on_the_server_and_an_unread_second_message_get_nothing():
    verdict = popimap.grade_pop_vs_imap(MessageState(True, seen=True), MessageState(True))

    assert (verdict.grade, verdict.first, verdict.second) == (0.0, "kept_seen", "unseen")


def test_pop3_taking_both_messages_is_half_marks_when_the_site_delivered_them():
    verdict = popimap.grade_pop_vs_imap(GONE, GONE, delivered=True)

    assert (verdict.grade, verdict.first, verdict.second) == (0.5, "gone", "gone")
    assert not verdict.setup_missing


def test_message_1_deleted_over_imap_is_not_credited_as_a_pop3_download():
    removals = [{"uid": 3, "by": "imap", "subject": "Practice 1 [POP-K7PM9Q-1]"}]
    first = popimap.with_removals(GONE, popimap.marker(TOKEN, 1), removals)

    verdict = popimap.grade_pop_vs_imap(first, MessageState(True, seen=True))

    assert (verdict.grade, verdict.first) == (0.5, "deleted_imap")


def test_message_1_taken_by_pop3_stays_gone_with_full_credit():
    removals = [{"uid": 3, "by": "pop3", "subject": "Practice 1 [POP-K7PM9Q-1]"}]
    first = popimap.with_removals(GONE, popimap.marker(TOKEN, 1), removals)

    verdict = popimap.grade_pop_vs_imap(first, MessageState(True, seen=True))

    assert (verdict.grade, verdict.first) == (1.0, "gone")


def test_both_messages_absent_and_never_delivered_means_the_setup_is_missing():
    verdict = popimap.grade_pop_vs_imap(GONE, GONE)

    assert verdict.setup_missing
    assert verdict.grade == 0.0
