import pytest

from quizapp.accounts.models import User


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _loopback_labs(settings):
    """Tests' lab servers all listen on loopback: let trainers' labs reach them.

    The tests of the network policy itself (tests/lab/test_networks.py) turn this off.
    """
    settings.LAB_LOOPBACK_LABS = True


@pytest.fixture
def trainee(db):
    return User.objects.create_user("alice", password="secret-pass-1", role=User.Role.TRAINEE)


@pytest.fixture
def other_trainee(db):
    return User.objects.create_user("bob", password="secret-pass-2", role=User.Role.TRAINEE)


@pytest.fixture
def trainer(db):
    return User.objects.create_user("tina", password="secret-pass-3", role=User.Role.TRAINER)


@pytest.fixture
def other_trainer(db):
    return User.objects.create_user("tom", password="secret-pass-4", role=User.Role.TRAINER)


@pytest.fixture
def make_course(db):
    """Return a function that builds a course of `sections` sections and two topics."""
    from course.models import Course, GlossaryTerm, Section, Topic

    def build(sections: int = 3) -> Course:
        course = Course.objects.create(
            code="CP1-03-01",
            title_fr="Comment fonctionne un mail",
            title_en="How email works",
            summary_fr="Résumé.",
            summary_en="Summary.",
        )
        ports = Topic.objects.create(slug="ports-security", name_fr="Ports", name_en="Ports")
        roles = Topic.objects.create(slug="smtp-roles", name_fr="Rôles", name_en="Roles")
        for order in range(1, sections + 1):
            section = Section.objects.create(
                course=course,
                slug=f"section-{order}",
                order=order,
                title_fr=f"Partie {order}",
                title_en=f"Part {order}",
                body_fr=f"## Titre {order} {{#ancre-{order}}}\n\nTexte en français {order}.",
                body_en=f"## Title {order} {{#ancre-{order}}}\n\nEnglish text {order}.",
            )
            section.topics.set([ports, roles])
        GlossaryTerm.objects.create(
            slug="mta",
            term_fr="MTA",
            term_en="MTA",
            definition_fr="Agent de transfert.",
            definition_en="Transfer agent.",
            source="RFC 5598 §4.3.2",
        )
        return course

    return build
