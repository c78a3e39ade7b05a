"""Geometry for the server-side SVG pictures: numbers in, coordinates out (STYLE.md §15)."""

from dataclasses import dataclass

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 12, 36
MARKERS = ("circle", "square", "diamond", "triangle", "circle", "square", "diamond", "triangle")


@dataclass(frozen=True)
class Series:
    slug: str
    name: str
    index: int  # picks the colour, dash and marker, so lines differ without colour
    points: str
    dots: list  # (x, y, day, percent)
    last: int


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    series: list[Series]
    x_ticks: list  # (x, label)
    y_ticks: list  # (y, label)
    table: list  # (day, [percent or None, one per series])
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int


def _y(percent: float) -> float:
    return round(TOP + (100 - percent) / 100 * (HEIGHT - TOP - BOTTOM), 1)


def mastery_chart(days, topics) -> LineChart | None:
    """Return the chart of mastery per topic over days (rows with .day and .topics), or None."""
    days = list(days)
    if not days:
        return None
    first, last = days[0].day, days[-1].day
    span = max((last - first).days, 1)

    def x(day) -> float:
        return round(LEFT + (day - first).days / span * (WIDTH - LEFT - RIGHT), 1)

    series = []
    for index, topic in enumerate(topics):
        dots = [
            (x(row.day), _y(row.topics[topic.slug][0]), row.day, row.topics[topic.slug][0])
            for row in days
            if topic.slug in row.topics
        ]
        if dots:
            points = " ".join(f"{dx},{dy}" for dx, dy, _d, _p in dots)
            series.append(Series(topic.slug, topic.name, index, points, dots, dots[-1][3]))
    step = max(1, len(days) // 6)
    x_ticks = [(x(row.day), row.day) for row in days[::step]]
    y_ticks = [(_y(p), p) for p in (0, 25, 50, 75, 100)]
    table = [(row.day, [row.topics.get(s.slug, [None])[0] for s in series]) for row in days]
    return LineChart(
        WIDTH, HEIGHT, series, x_ticks, y_ticks, table, LEFT, WIDTH - RIGHT, TOP, HEIGHT - BOTTOM
    )
