import threading

import pytest
from django.db import connection

from quizapp.groups import services
from quizapp.groups.models import Membership


def at_once(count, action):
    """Run `action` in `count` threads released together; return what each raised."""
    barrier, errors = threading.Barrier(count), []

    def run():
        try:
            barrier.wait()
            action()
        except Exception as error:  # reported to the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.django_db(transaction=True)
def test_a_double_click_on_join_makes_one_membership(trainer, trainee):
    group = services.create_group(trainer=trainer, name="g")
    errors = at_once(2, lambda: services.join_group(user=trainee, code=group.join_code))
    assert errors == []
    assert Membership.objects.count() == 1
    assert group.actions.filter(kind="joined").count() == 1
