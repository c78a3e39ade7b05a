"""The item analysis in SQL: first attempts, per-item sums, medians, answer groups.

Three queries whatever the number of answers: the database aggregates, and
Python only sees one row per item (or per distinct answer of an item).
"""

from django.db import connection
from django.db.models import Count, Min, QuerySet

from quizapp.bank.models import Question
from quizapp.itemanalysis.statistics import ItemSums
from quizapp.practice.models import Answer

# Each CTE reads only first attempts: the earliest answer of each learner to
# each item (ids grow with time).
_FIRSTS = """
firsts AS (
    SELECT a.learner_id, a.question_id, q.main_topic_id AS topic_id,
           a.score AS x, a.time_taken_ms AS ms
    FROM {answer} a JOIN {question} q ON q.id = a.question_id
    WHERE a.id IN (
        SELECT MIN(b.id) FROM {answer} b {where} GROUP BY b.learner_id, b.question_id
    )
)"""

# y: the mean score of the learner's first attempts at the topic's OTHER items
# (NULL when the item is the only one of its topic they answered).
_SUMS = """WITH {firsts},
rested AS (
    SELECT question_id, x,
           (SUM(x) OVER w - x) / NULLIF(COUNT(*) OVER w - 1, 0) AS y
    FROM firsts
    WINDOW w AS (PARTITION BY learner_id, topic_id)
)
SELECT question_id, COUNT(*), SUM(x), COUNT(y),
       SUM(CASE WHEN y IS NOT NULL THEN x END), SUM(y),
       SUM(CASE WHEN y IS NOT NULL THEN x * x END), SUM(y * y), SUM(x * y)
FROM rested GROUP BY question_id"""

# The median of an even count is the mean of the two middle values.
_MEDIANS = """WITH {firsts},
ranked AS (
    SELECT question_id, ms,
           ROW_NUMBER() OVER (PARTITION BY question_id ORDER BY ms) AS rank,
           COUNT(*) OVER (PARTITION BY question_id) AS total
    FROM firsts WHERE ms IS NOT NULL
)
SELECT question_id, AVG(ms) FROM ranked
WHERE rank IN ((total + 1) / 2, (total + 2) / 2)
GROUP BY question_id"""


def _learner_where(learners: QuerySet | None) -> tuple[str, list]:
    """Return the WHERE clause limiting answers to `learners` (a Learner queryset of pks)."""
    if learners is None:
        return "", []
    sql, params = learners.values("pk").query.sql_with_params()
    return f"WHERE b.learner_id IN ({sql})", list(params)


def _run(template: str, learners: QuerySet | None) -> list[tuple]:
    where, params = _learner_where(learners)
    # Only table names and our own WHERE clause are formatted in; values are parameters.
    firsts = _FIRSTS.format(
        answer=Answer._meta.db_table, question=Question._meta.db_table, where=where
    )
    sql = template.format(firsts=firsts)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def item_sums(learners: QuerySet | None = None) -> dict[int, ItemSums]:
    """Return, per question id, the sums of first attempts (over `learners`, or everyone)."""
    sums = {}
    for pk, n, score_sum, n_pairs, *pair_sums in _run(_SUMS, learners):
        x, y, xx, yy, xy = (float(value or 0) for value in pair_sums)
        sums[pk] = ItemSums(n, float(score_sum or 0), n_pairs, x, y, xx, yy, xy)
    return sums


def median_times_ms(learners: QuerySet | None = None) -> dict[int, float]:
    """Return, per question id, the median time of first attempts, in milliseconds."""
    return {pk: float(ms) for pk, ms in _run(_MEDIANS, learners)}


def answer_groups(
    question_ids: list[int], learners: QuerySet | None = None
) -> dict[int, list[tuple[dict, int]]]:
    """Return, per question, each distinct first-attempt answer with how many gave it."""
    answers = Answer.objects.all()
    if learners is not None:
        answers = answers.filter(learner__in=learners)
    firsts = answers.values("learner_id", "question_id").annotate(first=Min("pk"))
    rows = (
        Answer.objects.filter(pk__in=firsts.values("first"), question_id__in=question_ids)
        .values("question_id", "given")
        .annotate(count=Count("pk"))
        .order_by()
    )
    groups: dict[int, list[tuple[dict, int]]] = {}
    for row in rows:
        groups.setdefault(row["question_id"], []).append((row["given"], row["count"]))
    return groups
