import argparse

import pytest

from quizapp.lab.server.config import ROLES, add_arguments, config_from_options, describe_ports


def parse(*argv):
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return vars(parser.parse_args(argv))


def test_defaults_give_each_role_its_documented_high_port():
    config = config_from_options(parse())
    assert config.ports == {role.key: role.default_port for role in ROLES}
    assert config.hostname == "mail.lab.facteur.test"


def test_ports_can_be_changed_by_option():
    config = config_from_options(parse("--imaps-port", "10993", "--domain", "Lab.Example"))
    assert config.port_of("imaps") == 10993 and config.domain == "lab.example"


def test_two_roles_cannot_share_a_port():
    with pytest.raises(ValueError):
        config_from_options(parse("--pop3-port", "2525"))


def test_the_banner_names_every_role_and_its_standard_port():
    lines = describe_ports(config_from_options(parse()))
    assert len(lines) == len(ROLES)
    assert all(str(role.standard_port) in line for role, line in zip(ROLES, lines, strict=True))
