"""Numbers for the small SVG pictures of progress: the week's reviews, mastery over time.

Pure functions: the templates only place what these return. Each picture has a table or a
list beside it that says the same for screen readers.
"""

from dataclasses import dataclass
from datetime import date

# Lines differ by dash and marker as well as colour: never colour alone.
DASHES = ("", "7 4", "2 3", "10 3 2 3", "1 6", "12 6")
COLOURS = ("#0b4f8a", "#a4161a", "#1d6b32", "#6a3d9a", "#8a5a00", "#4a5560")
WIDTH, HEIGHT = 320, 150
LEFT, RIGHT, TOP, BOTTOM = 34, 10, 10, 22


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    count: int
    day: date

    @property
    def middle(self) -> float:
        return round(self.x + self.width / 2, 1)

    @property
    def label_y(self) -> float:
        """Return where the count sits: just above the bar."""
        return round(self.y - 4, 1)


def forecast_bars(days, *, width: int = 280, height: int = 110) -> list[Bar]:
    """Return one bar per day, the busiest day at full height (count above, day below)."""
    busiest = max((d.count for d in days), default=0) or 1
    slot = width / max(len(days), 1)
    usable = height - 34  # room for the count above and the day below
    bars = []
    for i, d in enumerate(days):
        h = usable * d.count / busiest
        x, y = round(i * slot + slot * 0.15, 1), round(height - 18 - h, 1)
        bars.append(Bar(x, y, round(slot * 0.7, 1), round(h, 1), d.count, d.day))
    return bars


@dataclass(frozen=True)
class Line:
    name: str
    points: str
    dots: list[tuple[float, float]]
    dash: str
    colour: str
    last: int


def mastery_lines(history: dict[str, dict[str, int]], topics) -> tuple[list[Line], list[str]]:
    """Return a line per topic over the days of `history`, and those days (ISO dates)."""
    days = sorted(history)
    if not days:
        return [], []
    first, last = date.fromisoformat(days[0]), date.fromisoformat(days[-1])
    span = max((last - first).days, 1)
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day: str) -> float:
        if first == last:
            return LEFT + inner_w / 2
        return round(LEFT + inner_w * (date.fromisoformat(day) - first).days / span, 1)

    def y(percent: int) -> float:
        return round(TOP + inner_h * (1 - percent / 100), 1)

    lines = []
    for n, topic in enumerate(topics):
        dots = [(x(d), y(history[d][topic.slug])) for d in days if topic.slug in history[d]]
        if not dots:
            continue
        last_value = next(
            history[d][topic.slug] for d in reversed(days) if topic.slug in history[d]
        )
        lines.append(
            Line(
                name=topic.name,
                points=" ".join(f"{px},{py}" for px, py in dots),
                dots=dots,
                dash=DASHES[n % len(DASHES)],
                colour=COLOURS[n % len(COLOURS)],
                last=last_value,
            )
        )
    return lines, days
