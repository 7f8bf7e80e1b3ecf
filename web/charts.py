"""Bar charts drawn on the server as SVG (``templates/includes/bar_chart.html``): no JavaScript,
nothing fetched from elsewhere. The numbers are also printed in a table under each chart."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

# Geometry in SVG user units: the label column, the longest bar, one row's height.
LABEL_WIDTH = 190
BAR_WIDTH = 360
VALUE_WIDTH = 90
ROW_HEIGHT = 24
BAR_HEIGHT = 16


@dataclass(frozen=True)
class Bar:
    label: str
    value: str
    y: int
    width: float

    @property
    def text_y(self) -> int:
        return self.y + BAR_HEIGHT - 3

    @property
    def value_x(self) -> float:
        return LABEL_WIDTH + self.width + 4


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[Bar]
    label_width: int = LABEL_WIDTH
    bar_width: int = BAR_WIDTH

    @property
    def width(self) -> int:
        return LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH

    @property
    def height(self) -> int:
        return max(len(self.bars), 1) * ROW_HEIGHT


def bar_chart(title: str, items: list[tuple[str, object, int]]) -> BarChart:
    """A horizontal bar chart of ``(label, value as shown, magnitude)`` items, the longest bar
    for the largest magnitude (all empty when every magnitude is 0)."""
    largest = max((magnitude for _label, _shown, magnitude in items), default=0)
    bars = [
        Bar(
            label,
            str(shown),
            index * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) // 2,
            round(BAR_WIDTH * magnitude / largest, 1) if largest else 0,
        )
        for index, (label, shown, magnitude) in enumerate(items)
    ]
    return BarChart(title, bars)


def section_charts(section) -> tuple[BarChart, BarChart]:
    """The two charts of a dashboard section (``workflows.dashboards.Section``): its first
    measure by category and by region."""
    measure = section.chart

    def chart_of(rows, title: str) -> BarChart:
        shown = [
            (
                row.label,
                measure.show(row.values.get(measure.key, 0)),
                row.values.get(measure.key, 0),
            )
            for row in rows
        ]
        return bar_chart(f"{title}: {measure.label}", shown)

    return (
        chart_of(section.rows, section.title),
        chart_of(section.regions, f"{section.title} ({_('by region')})"),
    )
