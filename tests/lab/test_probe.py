import asyncio
import datetime
import json
import time

from quizapp.lab.probe import (
    PortState,
    PortTarget,
    Protocol,
    Security,
    Upgrade,
    classify,
    probe_ports,
)
from quizapp.lab.probe.dialogue import EHLO_NAME
from quizapp.lab.probe.prober import GRACE
from quizapp.lab.probe.session import MAX_REPLY_LINES

from . import fakeservers as fake

LOOPBACK = ["127.0.0.1/32"]


def probe_one(handler, context=None, *, implicit_tls=None, per_port=1.0):
    """Serve `handler` on a free loopback port, probe it, return the result."""

    async def scenario():
        async with fake.serve(handler, context) as port:
            target = PortTarget("127.0.0.1", port, implicit_tls)
            [result] = await probe_ports(
                [target], allowed_networks=LOOPBACK, per_port_timeout=per_port
            )
        return result

    return asyncio.run(scenario())


def probe_port_number(port, per_port=1.0):
    async def scenario():
        targets = [PortTarget("127.0.0.1", port)]
        return await probe_ports(targets, allowed_networks=LOOPBACK, per_port_timeout=per_port)

    return asyncio.run(scenario())[0]


def within_deadline(result, per_port=1.0):
    return result.elapsed <= per_port + GRACE


def client_lines(result):
    return [line.text for line in result.transcript if line.direction == "C"]


def test_silent_port_is_open_without_greeting_within_the_deadline():
    result = probe_one(fake.silent)

    assert result.state == PortState.NO_GREETING
    assert result.protocol == Protocol.UNKNOWN
    assert result.error == "timeout"
    assert within_deadline(result)


def test_greeting_dripped_slowly_but_finished_in_time_is_read_whole():
    result = probe_one(fake.dripping(3, 0.15), per_port=1.5)

    assert result.protocol == Protocol.SMTP
    assert result.greeting.count("\n") == 3
    assert result.capabilities_before is not None
    assert result.error == ""


def test_greeting_dripped_forever_is_cut_at_the_deadline_and_called_misbehaving():
    result = probe_one(fake.dripping(1000, 0.2))

    assert result.state == PortState.OPEN
    assert result.protocol == Protocol.UNKNOWN  # never a full greeting: not graded as SMTP
    assert result.error == "misbehaving"
    assert result.greeting.startswith("220-lab.test")
    assert within_deadline(result)


def test_an_unterminated_banner_is_unknown_not_smtp():
    async def unterminated(reader, writer):
        writer.write(b"220 mail.lab.test ESMTP but no line end")
        await reader.read()

    result = probe_one(unterminated)

    assert (result.state, result.protocol, result.error) == (
        PortState.OPEN,
        Protocol.UNKNOWN,
        "misbehaving",
    )


def test_endless_greeting_is_cut_at_the_line_limit():
    result = probe_one(fake.endless)

    server_lines = [line for line in result.transcript if line.direction == "S"]
    assert result.protocol == Protocol.UNKNOWN
    assert result.error == "misbehaving"
    assert len(server_lines) <= MAX_REPLY_LINES + 1
    assert result.elapsed < 0.5


def test_garbage_greeting_is_something_else_and_cleaned():
    result = probe_one(fake.garbage)

    assert result.state == PortState.OPEN
    assert result.protocol == Protocol.OTHER
    assert "HELLO" in result.greeting
    assert not any(char in result.greeting for char in "\x00\x1b\x07\u202e")


def test_http_server_is_recognised_as_something_else():
    result = probe_one(fake.http)

    assert result.protocol == Protocol.OTHER
    assert result.other_kind == "http"
    assert result.security == Security.PLAINTEXT
    assert within_deadline(result)


def test_tls_handshake_failure_is_reported_with_its_reason():
    result = probe_one(fake.tls_alert)

    assert result.state == PortState.OPEN
    assert result.security == Security.IMPLICIT_TLS
    assert result.error == "tls_failed"
    assert not result.tls.established
    assert result.tls.error == "rejected"
    assert "HANDSHAKE_FAILURE" in result.tls.error_detail.upper()


def test_expired_certificate_is_described_and_fails_verification(expired_context):
    result = probe_one(fake.imap(implicit=True), expired_context)

    now = datetime.datetime.now(datetime.UTC)
    assert result.protocol == Protocol.IMAP
    assert result.tls.certificate.not_after < now
    assert result.tls.certificate.subject == "CN=127.0.0.1"
    assert not result.tls.verification.ok
    assert result.tls.verification.problems[0] == "expired"


def test_reset_in_the_middle_of_the_dialogue_keeps_what_was_learnt():
    result = probe_one(fake.reset_on_ehlo)

    assert result.protocol == Protocol.SMTP
    assert result.software == "Postfix"
    assert result.error == "reset"


def test_starttls_advertised_but_refused_is_reported_with_the_reply_code(tls_context):
    result = probe_one(fake.smtp(tls_context, refuse_starttls=True))

    statuses = [line.status for line in result.transcript if line.direction == "S"]
    assert result.security == Security.STARTTLS
    assert result.upgrade == Upgrade.REFUSED
    assert result.tls is None
    assert "454" in statuses


def test_closed_port_is_reported_at_once():
    result = probe_port_number(fake.closed_port())

    assert result.state == PortState.CLOSED
    assert result.error == "refused"
    assert result.elapsed < 0.1


def test_port_that_drops_connections_is_filtered():
    with fake.filtered_port() as port:
        result = probe_port_number(port, per_port=0.6)

    assert result.state == PortState.FILTERED
    assert within_deadline(result, 0.6)


def test_smtp_with_starttls_upgrades_and_lists_capabilities_again(tls_context):
    result = probe_one(fake.smtp(tls_context))

    assert result.protocol == Protocol.SMTP
    assert result.security == Security.STARTTLS
    assert result.upgrade == Upgrade.DONE
    assert result.capabilities_before.starttls
    assert result.capabilities_before.auth == []
    assert result.capabilities_after.auth == ["PLAIN", "LOGIN"]
    assert result.tls.version.startswith("TLSv1.")
    assert result.tls.certificate.self_signed
    assert result.tls.verification.problems == ["self_signed"]


def test_smtp_dialogue_sends_only_fixed_commands_and_ends_with_quit(tls_context):
    result = probe_one(fake.smtp(tls_context))

    sent = client_lines(result)
    assert set(sent) == {f"EHLO {EHLO_NAME}", "MAIL FROM:<>", "RSET", "STARTTLS", "QUIT"}
    assert sent[-1] == "QUIT"


def test_required_and_optional_starttls_are_told_apart_by_mail_before_tls(tls_context):
    optional = probe_one(fake.smtp(tls_context))
    required = probe_one(fake.smtp(tls_context, require_tls=True))

    assert optional.security == required.security == Security.STARTTLS
    assert (optional.tls_required, required.tls_required) == (False, True)
    assert "RSET" not in client_lines(required)  # nothing to reset after a 530


def test_pop3_and_imap_say_whether_tls_is_required_in_their_lists(tls_context):
    assert probe_one(fake.imap(tls_context)).tls_required is True  # LOGINDISABLED
    assert probe_one(fake.pop3(tls_context)).tls_required is True  # no USER before STLS


def test_lines_after_the_handshake_are_marked_tls(tls_context):
    result = probe_one(fake.smtp(tls_context))

    starttls = client_lines(result).index("STARTTLS")
    clients = [line for line in result.transcript if line.direction == "C"]
    assert not any(line.tls for line in clients[: starttls + 1])
    assert all(line.tls for line in clients[starttls + 1 :])


def test_smtp_without_starttls_is_plaintext_only():
    result = probe_one(fake.smtp())

    assert result.security == Security.PLAINTEXT
    assert result.upgrade == Upgrade.NOT_OFFERED


def test_server_data_pipelined_with_the_starttls_reply_aborts_the_upgrade(tls_context):
    result = probe_one(fake.smtp(tls_context, inject=True))

    assert result.error == "injection"
    assert result.upgrade == Upgrade.FAILED
    assert not any(line.tls for line in result.transcript)


def test_pop3_with_stls_upgrades_and_shows_sasl_after_tls(tls_context):
    result = probe_one(fake.pop3(tls_context))

    assert result.protocol == Protocol.POP3
    assert result.security == Security.STARTTLS
    assert result.upgrade == Upgrade.DONE
    assert result.capabilities_before.starttls
    assert result.capabilities_after.auth == ["PLAIN", "LOGIN"]
    assert client_lines(result)[-1] == "QUIT"


def test_imap_with_starttls_drops_logindisabled_after_tls(tls_context):
    result = probe_one(fake.imap(tls_context))

    assert result.protocol == Protocol.IMAP
    assert result.upgrade == Upgrade.DONE
    assert result.capabilities_before.login_disabled
    assert not result.capabilities_after.login_disabled
    assert result.capabilities_after.auth == ["PLAIN"]
    assert client_lines(result)[-1].endswith(" LOGOUT")


def test_implicit_tls_imap_is_found_on_a_non_standard_port(tls_context):
    result = probe_one(fake.imap(implicit=True), tls_context)

    assert result.protocol == Protocol.IMAP
    assert result.security == Security.IMPLICIT_TLS
    assert result.capabilities_before is None
    assert result.capabilities_after.auth == ["PLAIN"]
    assert within_deadline(result)


def test_implicit_tls_hint_goes_straight_to_tls(tls_context):
    hinted = probe_one(fake.imap(implicit=True), tls_context, implicit_tls=True)

    assert hinted.security == Security.IMPLICIT_TLS
    assert hinted.elapsed < 0.25


def test_wrong_implicit_tls_hint_still_finds_clear_text_smtp(tls_context):
    result = probe_one(fake.smtp(tls_context), implicit_tls=True)

    assert result.protocol == Protocol.SMTP
    assert result.security == Security.STARTTLS
    assert result.upgrade == Upgrade.DONE


def test_greeting_delayed_past_the_clear_text_wait_is_still_read(tls_context):
    result = probe_one(fake.smtp(tls_context, greeting_delay=0.6), per_port=1.5)

    assert result.protocol == Protocol.SMTP
    assert result.security == Security.STARTTLS
    assert result.error == ""


def test_ports_are_probed_concurrently():
    async def scenario():
        async with fake.serve(fake.silent) as one, fake.serve(fake.silent) as two:
            targets = [PortTarget("127.0.0.1", port) for port in (one, two, one)]
            started = time.perf_counter()
            results = await probe_ports(targets, allowed_networks=LOOPBACK, per_port_timeout=0.5)
            return results, time.perf_counter() - started

    results, wall = asyncio.run(scenario())

    assert all(result.elapsed >= 0.45 for result in results)
    assert wall < 0.5 + GRACE


def test_overall_deadline_stops_every_port():
    async def scenario():
        async with fake.serve(fake.silent) as port:
            targets = [PortTarget("127.0.0.1", port)] * 2
            return await probe_ports(
                targets, allowed_networks=LOOPBACK, per_port_timeout=1.0, overall_timeout=0.3
            )

    results = asyncio.run(scenario())

    assert [result.error for result in results] == ["deadline", "deadline"]
    assert all(result.elapsed < 0.45 for result in results)


def test_each_result_is_handed_over_as_soon_as_its_port_is_done():
    seen = []

    async def scenario():
        async with fake.serve(fake.silent) as slow:
            targets = [PortTarget("127.0.0.1", slow), PortTarget("127.0.0.1", fake.closed_port())]
            await probe_ports(
                targets,
                allowed_networks=LOOPBACK,
                per_port_timeout=0.5,
                on_result=lambda result: seen.append(result.state),
            )

    asyncio.run(scenario())

    assert seen == [PortState.CLOSED, PortState.NO_GREETING]


def test_a_bug_on_one_port_does_not_lose_the_other_ports(monkeypatch):
    def broken(greeting):
        raise RuntimeError("bug")

    monkeypatch.setattr(classify, "guess_software", broken)

    async def scenario():
        async with fake.serve(fake.smtp()) as smtp:
            targets = [PortTarget("127.0.0.1", smtp), PortTarget("127.0.0.1", fake.closed_port())]
            return await probe_ports(targets, allowed_networks=LOOPBACK, per_port_timeout=1.0)

    broken_port, closed = asyncio.run(scenario())

    assert broken_port.error == "internal"
    assert closed.state == PortState.CLOSED


def test_result_converts_to_json(tls_context):
    result = probe_one(fake.smtp(tls_context))

    data = json.loads(json.dumps(result.to_dict()))
    assert data["protocol"] == "smtp"
    not_after = datetime.datetime.fromisoformat(data["tls"]["certificate"]["not_after"])
    assert not_after > datetime.datetime.now(datetime.UTC)
    assert data["transcript"][0]["direction"] == "*"
