"""Answering exam questions from a test, right or wrong, as the browser would post them."""

from django.urls import reverse

RIGHT = {
    "single": lambda order: {"choice": str(order.index("a"))},
    "multiple": lambda order: {"choice": [str(order.index("a")), str(order.index("b"))]},
    "truefalse": lambda order: {"value": "false"},
    "port": lambda order: {"value": "587"},
    "short": lambda order: {"value": "starttls"},
    "matching": lambda order: {
        f"match-{i}": str(order.index(k)) for i, k in enumerate(["p1", "p2", "p3"])
    },
    "ordering": lambda order: {
        f"rank-{order.index(k)}": str(r) for r, k in enumerate(["s1", "s2", "s3", "s4"], 1)
    },
}
WRONG = {
    "single": lambda order: {"choice": str(order.index("b"))},
    "multiple": lambda order: {"choice": [str(order.index("c"))]},
    "truefalse": lambda order: {"value": "true"},
    "port": lambda order: {"value": "25"},
    "short": lambda order: {"value": "nope"},
    "matching": lambda order: {
        f"match-{i}": str(order.index(k)) for i, k in enumerate(["p2", "p1", "p3"])
    },
    "ordering": lambda order: {
        f"rank-{order.index(k)}": str(r) for r, k in enumerate(["s2", "s1", "s3", "s4"], 1)
    },
}


def answer_data(item, right=True) -> dict:
    table = RIGHT if right else WRONG
    return table[item.question.type](item.choice_order)


def save_url(item) -> str:
    return reverse("exams:save", kwargs={"pk": item.attempt_id, "position": item.position})
