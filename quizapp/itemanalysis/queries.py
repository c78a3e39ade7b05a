"""The item analysis in SQL: first attempts, per-item sums, medians, answer groups.

Two queries whatever the number of answers: the database aggregates, and
Python only sees one row per item (or per distinct answer of an item).
"""

from django.db import connection
from django.db.models import Count, Min, QuerySet

from quizapp.bank.models import Question
from quizapp.itemanalysis.statistics import ItemSums
from quizapp.practice.models import Answer

# Only first attempts count: the earliest answer of each learner to each item
# (ids grow with time). Materialised: both branches below read it.
_FIRSTS = """
firsts AS MATERIALIZED (
    SELECT a.learner_id, a.question_id, q.main_topic_id AS topic_id,
           a.score AS x, a.time_taken_ms AS ms
    FROM {answer} a JOIN {question} q ON q.id = a.question_id
    WHERE a.id IN (
        SELECT MIN(b.id) FROM {answer} b {where} GROUP BY b.learner_id, b.question_id
    )
)"""

# rested.y: the mean score of the learner's first attempts at the topic's OTHER
# items (NULL when the item is the only one of its topic they answered).
# medians: the middle value, or the mean of the two middle values.
_FIGURES = """WITH {firsts},
rested AS (
    SELECT question_id, x,
           (SUM(x) OVER w - x) / NULLIF(COUNT(*) OVER w - 1, 0) AS y
    FROM firsts
    WINDOW w AS (PARTITION BY learner_id, topic_id)
),
sums AS (
    SELECT question_id, COUNT(*) AS n, SUM(x) AS score_sum, COUNT(y) AS n_pairs,
           SUM(CASE WHEN y IS NOT NULL THEN x END) AS x_sum, SUM(y) AS y_sum,
           SUM(CASE WHEN y IS NOT NULL THEN x * x END) AS xx_sum,
           SUM(y * y) AS yy_sum, SUM(x * y) AS xy_sum
    FROM rested GROUP BY question_id
),
ranked AS (
    SELECT question_id, ms,
           ROW_NUMBER() OVER (PARTITION BY question_id ORDER BY ms) AS position,
           COUNT(*) OVER (PARTITION BY question_id) AS total
    FROM firsts WHERE ms IS NOT NULL
),
medians AS (
    SELECT question_id, AVG(ms) AS ms FROM ranked
    WHERE position IN ((total + 1) / 2, (total + 2) / 2)
    GROUP BY question_id
)
SELECT sums.*, medians.ms
FROM sums LEFT JOIN medians ON medians.question_id = sums.question_id"""


def _learner_where(learners: QuerySet | None) -> tuple[str, list]:
    """Return the WHERE clause limiting answers to `learners` (a Learner queryset of pks)."""
    if learners is None:
        return "", []
    sql, params = learners.values("pk").query.sql_with_params()
    return f"WHERE b.learner_id IN ({sql})", list(params)


def item_figures(learners: QuerySet | None = None) -> dict[int, tuple[ItemSums, float | None]]:
    """Return, per question id, the sums of first attempts and their median time (ms).

    Over `learners` (a Learner queryset), or everyone when None; one query.
    """
    where, params = _learner_where(learners)
    # Only table names and our own WHERE clause are formatted in; values are parameters.
    firsts = _FIRSTS.format(
        answer=Answer._meta.db_table, question=Question._meta.db_table, where=where
    )
    with connection.cursor() as cursor:
        cursor.execute(_FIGURES.format(firsts=firsts), params)
        rows = cursor.fetchall()
    figures = {}
    for pk, n, score_sum, n_pairs, *pair_sums, median in rows:
        x, y, xx, yy, xy = (float(value or 0) for value in pair_sums)
        sums = ItemSums(n, float(score_sum or 0), n_pairs, x, y, xx, yy, xy)
        figures[pk] = (sums, None if median is None else float(median))
    return figures


UNCOUNTED = ("matching", "ordering")


def answer_groups(
    question_ids: list[int], learners: QuerySet | None = None
) -> dict[int, list[tuple[dict, int]]]:
    """Return, per question, each distinct first-attempt answer with how many gave it."""
    answers = Answer.objects.all()
    if learners is not None:
        answers = answers.filter(learner__in=learners)
    firsts = answers.values("learner_id", "question_id").annotate(first=Min("pk"))
    # Matching and ordering answers have no option to count (and many distinct values).
    countable = Question.objects.filter(pk__in=question_ids).exclude(type__in=UNCOUNTED)
    rows = (
        Answer.objects.filter(pk__in=firsts.values("first"), question__in=countable)
        .values("question_id", "given")
        .annotate(count=Count("pk"))
        .order_by()
    )
    groups: dict[int, list[tuple[dict, int]]] = {}
    for row in rows:
        groups.setdefault(row["question_id"], []).append((row["given"], row["count"]))
    return groups
