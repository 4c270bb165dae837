"""Charts as inline SVG for the evaluation pack (a PDF has no JavaScript): bars per label, one colour per series."""

from __future__ import annotations

from markupsafe import Markup, escape

from engine.monitoring.indicators import Figure

COLOURS = ("#1f5fa8", "#e17000", "#39870c", "#a90061", "#5b2c86", "#8b6d00")
WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 640, 260, 56, 60, 12


def svg_chart(figure: Figure) -> Markup:
    """Return a grouped (or stacked) bar chart of the figure's charted series as SVG."""
    series = [s for s in figure.series if s.charted] or figure.series
    labels = figure.labels
    stacked = figure.chart == "stacked"
    if stacked:
        peak = max([sum((s.values[i] or 0) for s in series) for i in range(len(labels))] + [1])
    else:
        peak = max([v or 0 for s in series for v in s.values] + [1])
    plot_w, plot_h = WIDTH - LEFT - 10, HEIGHT - BOTTOM - TOP
    slot = plot_w / max(len(labels), 1)
    bar = slot * 0.8 / (1 if stacked else max(len(series), 1))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT + 20 * len(series)}" '
             f'role="img" aria-label="{escape(figure.title)}" font-family="sans-serif" font-size="10">',
             f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}" stroke="#333"/>',
             f'<text x="{LEFT - 4}" y="{TOP + 8}" text-anchor="end">{_num(peak)}</text>',
             f'<text x="{LEFT - 4}" y="{TOP + plot_h}" text-anchor="end">0</text>']
    for i, label in enumerate(labels):
        x0 = LEFT + i * slot + slot * 0.1
        base = TOP + plot_h
        for j, s in enumerate(series):
            value = s.values[i] or 0
            h = plot_h * value / peak
            x = x0 if stacked else x0 + j * bar
            y = base - h
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                         f'fill="{COLOURS[j % len(COLOURS)]}"/>')
            if stacked:
                base = y
        if len(labels) <= 16 or i % max(1, len(labels) // 12) == 0:
            parts.append(f'<text x="{LEFT + i * slot + slot / 2:.1f}" y="{TOP + plot_h + 12}" text-anchor="end" '
                         f'transform="rotate(-35 {LEFT + i * slot + slot / 2:.1f} {TOP + plot_h + 12})">'
                         f'{escape(label)}</text>')
    for j, s in enumerate(series):
        y = HEIGHT + 20 * j
        parts.append(f'<rect x="{LEFT}" y="{y - 9}" width="10" height="10" fill="{COLOURS[j % len(COLOURS)]}"/>'
                     f'<text x="{LEFT + 16}" y="{y}">{escape(s.name)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _num(value: float) -> str:
    return f"{value:,.0f}".replace(",", ".")
