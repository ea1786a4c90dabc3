"""Small line charts drawn on the server as inline SVG: no JavaScript, no styles inline
(the stylesheet colours them, so dark mode applies), and a text title for screen readers."""

from __future__ import annotations

from markupsafe import Markup, escape

WIDTH, HEIGHT, PAD_X, PAD_TOP, PAD_BOTTOM = 560, 150, 44, 14, 26


def line_chart(label: str, points: list[tuple[str, int]]) -> Markup | None:
    """A chart of (day, value) points in day order, or None with fewer than two."""
    if len(points) < 2:
        return None
    values = [value for _, value in points]
    low, high = min(values), max(values)
    span = (high - low) or 1
    step = (WIDTH - 2 * PAD_X) / (len(points) - 1)
    plot_height = HEIGHT - PAD_TOP - PAD_BOTTOM

    def y(value: int) -> float:
        return PAD_TOP + plot_height * (1 - (value - low) / span)

    coordinates = [(PAD_X + index * step, y(value)) for index, value in enumerate(values)]
    path = " ".join(f"{x:.1f},{yy:.1f}" for x, yy in coordinates)
    described = ", ".join(f"{value} on {day}" for day, value in points)
    parts = [
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(label)}: '
        f'{escape(described)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(label)}: {escape(described)}</title>",
        f'<line class="axis" x1="{PAD_X}" y1="{HEIGHT - PAD_BOTTOM}" x2="{WIDTH - PAD_X}" '
        f'y2="{HEIGHT - PAD_BOTTOM}"/>',
        f'<polyline class="line" points="{path}"/>',
    ]
    parts += [f'<circle class="dot" cx="{x:.1f}" cy="{yy:.1f}" r="3.5"/>' for x, yy in coordinates]
    parts += [
        f'<text x="{PAD_X - 6}" y="{y(high) + 4:.1f}" text-anchor="end">{high}</text>',
        f'<text x="{PAD_X - 6}" y="{y(low) + 4:.1f}" text-anchor="end">{low}</text>'
        if high != low else "",
        f'<text x="{PAD_X}" y="{HEIGHT - 6}">{escape(points[0][0])}</text>',
        f'<text x="{WIDTH - PAD_X}" y="{HEIGHT - 6}" text-anchor="end">'
        f"{escape(points[-1][0])}</text>",
        "</svg>",
    ]
    return Markup("".join(parts))
