import json
import socket

from django.core.management.base import BaseCommand, CommandError

from quizapp.lab.models import LabServer
from quizapp.lab.probe import PortResult, PortTarget, TargetRefused, probe, replycodes
from quizapp.lab.probe.transcript import render


def parse_ports(text: str) -> list[int]:
    """Return the ports of a comma-separated list such as 25,587,465; raise CommandError."""
    try:
        ports = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise CommandError(f"--ports must be numbers separated by commas, not {text!r}") from None
    if not ports or any(not 0 < port < 65536 for port in ports):
        raise CommandError("--ports needs ports between 1 and 65535")
    return list(dict.fromkeys(ports))


def host_networks(host: str) -> list[str]:
    """Return the addresses `host` resolves to, each as a one-address network.

    On the command line the administrator chose the host: it is its own allowed network.
    """
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise CommandError(f"{host} could not be resolved: {exc}") from None
    return list(dict.fromkeys(str(info[4][0]).partition("%")[0] for info in infos))


class Command(BaseCommand):
    help = (
        "Probe a configured lab (by name), or any host with --host and --ports, and print "
        "what answers on each port: protocol, security, TLS, capabilities, the transcript."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", nargs="?", help="the name of a configured lab")
        parser.add_argument("--host", help="probe this host instead of a configured lab")
        parser.add_argument("--ports", help="with --host: ports such as 25,587,465,110,995")
        parser.add_argument("--timeout", type=float, default=5.0, help="seconds per port")
        parser.add_argument("--json", action="store_true", help="one JSON object per port")

    def handle(self, *args, **options):
        targets, networks = self._targets(options)
        try:
            results = probe(targets, allowed_networks=networks, per_port_timeout=options["timeout"])
        except TargetRefused as refused:
            raise CommandError(str(refused)) from None
        for result in results:
            if options["json"]:
                self.stdout.write(json.dumps(_json(result), ensure_ascii=False))
            else:
                self.stdout.write(describe(result))

    def _targets(self, options) -> tuple[list[PortTarget], list[str]]:
        if options["host"]:
            if options["name"]:
                raise CommandError("give a lab name or --host, not both")
            if not options["ports"]:
                raise CommandError("--host needs --ports")
            host = options["host"]
            ports = parse_ports(options["ports"])
            return [PortTarget(host, port) for port in ports], host_networks(host)
        if not options["name"]:
            raise CommandError("give a lab name, or --host and --ports")
        lab = LabServer.objects.filter(name=options["name"]).first()
        if lab is None:
            names = ", ".join(LabServer.objects.values_list("name", flat=True)) or "none"
            raise CommandError(f"no lab named {options['name']!r} (labs: {names})")
        targets = [PortTarget(lab.host, port, s.implicit_tls) for s, port in lab.services()]
        return targets, lab.network_list()


def _json(result: PortResult) -> dict:
    data = result.to_dict()
    data["transcript_text"] = render(result.transcript)
    return data


def describe(result: PortResult) -> str:
    """Return a human summary of one port, then its transcript."""
    lines = [
        f"== {result.host} port {result.port} ({result.address})",
        f"state: {replycodes.STATES[result.state]}",
        f"protocol: {replycodes.PROTOCOLS[result.protocol]}"
        + (f" ({result.other_kind})" if result.other_kind else "")
        + (f", {result.software}" if result.software else ""),
        f"security: {replycodes.SECURITY[result.security]}",
    ]
    if result.security == "starttls":
        lines.append(f"upgrade: {replycodes.UPGRADES[result.upgrade]}")
    if result.error:
        lines.append(f"error: {result.error} {result.error_detail}".rstrip())
    if result.tls:
        lines += _tls_lines(result)
    befores_afters = (
        ("before TLS", result.capabilities_before),
        ("after TLS", result.capabilities_after),
    )
    for label, caps in befores_afters:
        if caps is not None:
            lines.append(f"capabilities {label}: {' '.join(caps.keywords)}")
    lines.append(f"elapsed: {result.elapsed:.3f} s")
    lines.append(render(result.transcript, translate=True))
    return "\n".join(lines) + "\n"


def _tls_lines(result: PortResult) -> list[str]:
    tls = result.tls
    if not tls.established:
        return [f"tls: handshake failed ({tls.error} {tls.error_detail})".rstrip()]
    lines = [f"tls: {tls.version} {tls.cipher}"]
    cert = tls.certificate
    if cert is not None:
        lines += [
            f"certificate: {cert.subject} issued by {cert.issuer}"
            + (" (self-signed)" if cert.self_signed else ""),
            f"valid: {cert.not_before:%Y-%m-%d} to {cert.not_after:%Y-%m-%d}",
            f"sha256: {cert.fingerprint_sha256}",
        ]
    if tls.verification is not None:
        verdict = "ok" if tls.verification.ok else ", ".join(tls.verification.problems)
        lines.append(f"verification: {verdict}")
    return lines
