"""The item analysis in SQL: first attempts, per-item sums, medians, answer groups.

One statement whatever the number of answers: the database finds the first
attempts once and aggregates them, and Python sees one row per item plus one
per distinct answer of a choice or typed item.
"""

import json
from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet

from quizapp.bank.models import Question
from quizapp.itemanalysis.statistics import ItemSums
from quizapp.practice.models import Answer

# Matching and ordering answers have no option to count (and many distinct values).
UNCOUNTED = ("matching", "ordering")

# Only first attempts count: the earliest answer of each learner to each item
# (ids grow with time). Materialised: every branch below reads it.
_FIRSTS = """
firsts AS MATERIALIZED (
    SELECT a.learner_id, a.question_id, q.main_topic_id AS topic_id, q.type AS type,
           a.score AS x, a.time_taken_ms AS ms, a.given AS given
    FROM {answer} a JOIN {question} q ON q.id = a.question_id
    WHERE a.id IN (
        SELECT MIN(b.id) FROM {answer} b {where} GROUP BY b.learner_id, b.question_id
    )
)"""

# rested.y: the mean score of the learner's first attempts at the topic's OTHER
# items (NULL when the item is the only one of its topic they answered).
# medians: the middle value, or the mean of the two middle values.
# The last branch counts each distinct answer (kind "g") beside the figures ("f").
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
SELECT 'f', sums.question_id, n, score_sum, n_pairs, x_sum, y_sum, xx_sum, yy_sum, xy_sum,
       medians.ms, NULL
FROM sums LEFT JOIN medians ON medians.question_id = sums.question_id
UNION ALL
SELECT 'g', question_id, COUNT(*), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, given
FROM firsts WHERE type NOT IN (%s, %s)
GROUP BY question_id, given"""


@dataclass(frozen=True)
class Figures:
    """Per question id: the sums of first attempts, their median time (ms), answer groups."""

    sums: dict[int, ItemSums]
    medians: dict[int, float]
    groups: dict[int, list[tuple[dict, int]]]


def _learner_where(learners: QuerySet | None) -> tuple[str, list]:
    """Return the WHERE clause limiting answers to `learners` (a Learner queryset of pks)."""
    if learners is None:
        return "", []
    sql, params = learners.values("pk").query.sql_with_params()
    return f"WHERE b.learner_id IN ({sql})", list(params)


def _decoded(given) -> dict:
    # SQLite hands the JSON over as text; psycopg decodes jsonb itself.
    return json.loads(given) if isinstance(given, str) else given


def item_figures(learners: QuerySet | None = None) -> Figures:
    """Return the first-attempt figures over `learners` (a Learner queryset), or everyone."""
    where, params = _learner_where(learners)
    # Only table names and our own WHERE clause are formatted in; values are parameters.
    firsts = _FIRSTS.format(
        answer=Answer._meta.db_table, question=Question._meta.db_table, where=where
    )
    with connection.cursor() as cursor:
        cursor.execute(_FIGURES.format(firsts=firsts), [*params, *UNCOUNTED])
        rows = cursor.fetchall()
    figures = Figures({}, {}, {})
    for kind, pk, n, score_sum, n_pairs, *pair_sums, median, given in rows:
        if kind == "g":
            figures.groups.setdefault(pk, []).append((_decoded(given), n))
            continue
        x, y, xx, yy, xy = (float(value or 0) for value in pair_sums)
        figures.sums[pk] = ItemSums(n, float(score_sum or 0), n_pairs, x, y, xx, yy, xy)
        if median is not None:
            figures.medians[pk] = float(median)
    return figures
