import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quizapp.accounts.models import User
from quizapp.groups.models import Membership
from tests.groups.conftest import practise

pytestmark = pytest.mark.django_db


def fill(group, bank, size):
    for n in range(size):
        user = User.objects.create_user(f"t{size}-{n}", role=User.Role.TRAINEE)
        Membership.objects.create(group=group, trainee=user)
        practise(user, bank["single"], right=n % 2 == 0)
        practise(user, bank["port"], right=True)


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_dashboard_query_count_does_not_grow_with_the_group(client, trainer, bank):
    from quizapp.groups import services

    small = services.create_group(trainer=trainer, name="3")
    large = services.create_group(trainer=trainer, name="30")
    fill(small, bank, 3)
    fill(large, bank, 30)
    client.force_login(trainer)
    few = count_queries(client, reverse("groups:dashboard", kwargs={"pk": small.pk}))
    many = count_queries(client, reverse("groups:dashboard", kwargs={"pk": large.pk}))
    assert few == many
    table_few = count_queries(
        client, reverse("groups:export", kwargs={"pk": small.pk, "what": "table", "fmt": "csv"})
    )
    assert few < 25 and table_few < 25


def test_the_trainee_page_query_count_does_not_grow_with_the_history(client, trainer, bank):
    from quizapp.groups import services

    group = services.create_group(trainer=trainer, name="g")
    fill(group, bank, 2)
    first, second = (m.trainee for m in group.memberships.all())
    practise(first, bank["truefalse"], right=False)  # both have misconceptions to list
    for _ in range(10):
        practise(second, bank["truefalse"], right=False)
    client.force_login(trainer)

    def url(user):
        return reverse("groups:trainee", kwargs={"pk": group.pk, "trainee_pk": user.pk})

    assert count_queries(client, url(first)) == count_queries(client, url(second))
