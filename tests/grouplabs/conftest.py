import pytest

from quizapp.groups.models import Group, Membership
from tests.lab import conftest_web as web

fresh_rate_limits = web.fresh_rate_limits
in_english = web.in_english
lab_data_dir = web.lab_data_dir
make_lab = web.make_lab
superuser = web.superuser


def make_group(name, trainer, *trainees):
    group = Group.objects.create(name=name, created_by=trainer)
    group.trainers.add(trainer)
    for trainee in trainees:
        Membership.objects.create(group=group, trainee=trainee)
    return group


@pytest.fixture
def group(trainer, trainee):
    return make_group("BTS A", trainer, trainee)


@pytest.fixture
def other_group(other_trainer, other_trainee):
    return make_group("BTS B", other_trainer, other_trainee)


@pytest.fixture
def embedded(make_lab):
    """The site's own lab, as load_demo_lab makes it: nobody's."""
    lab = make_lab("Labo local", embedded=True, imap_port=2143)
    lab.created_by = None
    lab.save(update_fields=["created_by"])
    return lab
