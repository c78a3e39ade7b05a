from quizapp.groups.models import HeldMisconception, MasteryDay
from tests.groups.conftest import practise


def test_a_wrong_answer_on_a_misconception_is_held_until_the_item_is_answered_right(bank, trainee):
    practise(trainee, bank["single"], right=False)
    practise(trainee, bank["single"], right=False)
    trace = HeldMisconception.objects.get()
    assert (trace.misconception, trace.hits, trace.held) == ("port-25-for-clients", 2, True)
    practise(trainee, bank["single"], right=True)
    trace.refresh_from_db()
    assert (trace.hits, trace.held) == (2, False)


def test_each_answer_updates_the_day_of_mastery(bank, trainee):
    practise(trainee, bank["single"], right=True)
    first = MasteryDay.objects.get()
    assert first.topics["ports-security"][1] == 1
    practise(trainee, bank["port"], right=True)
    day = MasteryDay.objects.get()
    assert day.topics["ports-security"][1] == 2
    assert day.topics["ports-security"][0] >= first.topics["ports-security"][0]
