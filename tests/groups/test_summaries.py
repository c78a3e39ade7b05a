from quizapp.adaptive.services import LAB_WEIGHT
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
    assert (day.answers, day.readiness) == (2, None)  # readiness waits for 10 answers
    assert day.last_at is not None


def test_a_trace_created_meanwhile_by_another_tab_is_counted_not_fatal(bank, trainee):
    from quizapp.groups.models import HeldMisconception

    answer = practise(trainee, bank["single"], right=False)
    # As if a second tab had created the row between our read and our write.
    from quizapp.groups.history import record_held_misconceptions

    record_held_misconceptions(answer=answer)
    assert HeldMisconception.objects.get().hits == 2


def test_a_graded_lab_check_moves_the_days_mastery_without_counting_an_answer(bank, trainee):
    from quizapp.adaptive.services import learn_from_lab

    practise(trainee, bank["port"], right=True)
    before = MasteryDay.objects.get().topics["ports-security"]
    learn_from_lab(user=trainee, kind="port_map", grade=1.0)
    day = MasteryDay.objects.get()
    assert day.topics["ports-security"][1] == before[1] + LAB_WEIGHT  # a check weighs more
    assert day.topics["ports-security"][0] > before[0]
    assert day.answers == 1
