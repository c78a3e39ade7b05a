"""The item analysis rows as the page prints them: numbers formatted once, in Python.

A table of a few hundred rows with five figures each: formatting here rather than
with template filters keeps the page's rendering a small part of its cost.
"""

from django.urls import reverse
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from quizapp.itemanalysis.analysis import ItemRow
from quizapp.itemanalysis.statistics import Flag

BAR_WIDTH = 48


def flag_labels() -> dict[str, str]:
    return {
        Flag.NEGATIVE_DISCRIMINATION: _(
            "Negative discrimination: learners strong on the topic miss it more often"
        ),
        Flag.WEAK_DISCRIMINATION: _(
            "Near-zero discrimination: it does not tell who knows the topic"
        ),
        Flag.DISTRACTOR_OVER_KEY: _("A wrong choice draws more learners than the right one"),
        Flag.TOO_EASY: _("Too easy"),
        Flag.TOO_HARD: _("Too hard"),
    }


def labels() -> dict[str, str]:
    """Return the words every row repeats, translated once per page."""
    return {
        "edit_label": _("Edit"),
        "unpublish_label": _("Unpublish"),
        "right_answer": _("(right answer)"),
        "no_choice": _("no single choice to count"),
        "no_flag": _("none"),
    }


def present(rows: list[ItemRow]) -> list[dict]:
    """Return, per row, the strings and numbers the table shows."""
    decimal = get_format("DECIMAL_SEPARATOR")
    flags = flag_labels()
    # One reverse() for the whole table: /questions/<pk>/ and /questions/<pk>/edit/.
    base = reverse("authoring:list")

    def number(value, digits=2) -> str:
        return "—" if value is None else f"{value:.{digits}f}".replace(".", decimal)

    def seconds(value) -> str:
        return "—" if value is None else _("%(seconds)s s") % {"seconds": round(value)}

    shown = []
    for row in rows:
        question, figures = row.question, row.figures
        shown.append(
            {
                "pk": str(question.pk),
                "key": question.key,
                "note": f"{question.main_topic.name} · {question.get_type_display()}",
                "published": question.status == question.Status.PUBLISHED,
                "status": question.get_status_display(),
                "n": str(figures.n),
                "pairs": ngettext("%(count)s pair", "%(count)s pairs", figures.n_pairs)
                % {"count": figures.n_pairs},
                "facility": number(figures.facility),
                "discrimination": number(figures.discrimination),
                "median": seconds(row.median_seconds),
                "learned": number(row.learned_b),
                "learned_sd": "" if row.learned_sd is None else number(row.learned_sd),
                "flags": [flags[flag] for flag in figures.flags],
                "options": [
                    {
                        "label": option.label,
                        "percent": str(round(option.share * 100)),
                        "bar": str(round(option.share * BAR_WIDTH)),
                        "correct": option.correct,
                    }
                    for option in figures.options
                ],
                "preview_url": f"{base}{question.pk}/",
                "edit_url": f"{base}{question.pk}/edit/",
            }
        )
    return shown
