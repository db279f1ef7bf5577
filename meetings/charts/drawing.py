"""A chart as inline SVG, drawn by pygal and made fit for our pages.

pygal lays out the axes, scales and bars; what it adds for its own scripts and
styles is taken out (``for_our_pages``): the Content-Security-Policy allows no
inline ``<style>``, ``style=""`` or ``<script>``, and the tracker's stylesheet
styles pygal's classes (``.chart`` in ``static/tracker.css``). Each bar is a
link, named by an SVG ``<title>`` (a tooltip without script).
"""

import re
from xml.etree import ElementTree

import pygal
from pygal.style import Style

# The size charts are laid out at, in the units of their viewBox: on a phone the
# SVG is scaled down to some five sixths, its text still 11 px.
WIDTH, HEIGHT = 420, 240
SMALL_HEIGHT = 180
FONT = 13
ROW = 22

# Small charts (home) are shown smaller: their text is larger for it.
SMALL_FONT = 16
SMALL_ROW = 26


def style(size):
    """The sizes pygal lays text out by; the stylesheet writes the same."""
    return Style(
        font_family="sans-serif",
        label_font_size=size,
        major_label_font_size=size,
        legend_font_size=size,
        title_font_size=size,
        value_font_size=size,
        tooltip_font_size=size,
        no_data_font_size=size,
    )


STYLES = {False: style(FONT), True: style(SMALL_FONT)}

KINDS = {
    "bar": pygal.Bar,
    "line": pygal.Line,
    "horizontal": pygal.HorizontalBar,
    "horizontal-stacked": pygal.HorizontalStackedBar,
}

# What pygal writes only for its script (tooltips, toggling a series).
SCRIPTED = {"tooltip", "tooltip-overlay", "text-overlay", "titles"}
# pygal writes coordinates to 15 digits: a tenth of a unit is finer than a screen's pixel.
COORDINATES = ("x", "y", "width", "height", "d", "transform", "cx", "cy", "points")
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
NUMBER = re.compile(r"-?\d+\.\d+")


def draw(chart, small=False):
    """``chart`` (a meetings.charts.Chart) as the markup of an inline ``<svg>``."""
    # Bars across for named things (ages, people, teams): their names fit on the left.
    horizontal = chart.kind.startswith("horizontal")
    height = SMALL_HEIGHT if small else HEIGHT
    if horizontal:  # a line of text a bar, however many there are
        height = max(height, (SMALL_ROW if small else ROW) * len(chart.labels) + 90)
    # Four series (the age bands) take two lines of legend, four on a small chart.
    columns = len(chart.series) if len(chart.series) < 4 else 1 if small else 2
    drawing = KINDS[chart.kind](
        width=WIDTH,
        height=height,
        style=STYLES[small],
        disable_xml_declaration=True,
        no_prefix=True,
        css=[],
        js=[],
        classes=["pygal-chart"],
        show_legend=len(chart.series) > 1,
        legend_at_bottom=True,
        legend_at_bottom_columns=columns,
        legend_box_size=SMALL_FONT if small else FONT,
        margin=8,
        # Room for the last month's label, centred on the right edge.
        margin_right=8 if horizontal else 28,
        spacing=8,
        show_minor_x_labels=horizontal,
        x_labels_major_every=None
        if horizontal
        else label_step(len(chart.labels), 4 if small else 6),
        truncate_legend=-1,
        truncate_label=18 if horizontal else -1,
        y_labels=ticks(chart.largest()),
        show_y_guides=True,
        show_x_guides=False,
        print_values=False,
        dots_size=3,
    )
    # A horizontal chart is drawn from the bottom up: the first label on top.
    order = slice(None, None, -1) if horizontal else slice(None)
    drawing.x_labels = chart.labels[order]
    for series in chart.series:
        drawing.add(
            series.name,
            [
                {
                    "value": point.value,
                    "xlink": {"href": point.href} if point.href else None,
                    "tooltip": f"{label}, {series.name}: {shown(point.value)}",
                }
                for label, point in zip(chart.labels, series.points, strict=True)
            ][order],
        )
    drawing.add_xml_filter(lambda root: for_our_pages(root, chart))
    return drawing.render(is_unicode=True)


def for_our_pages(root, chart):
    """Take out pygal's style, scripts and what only they use; name the SVG by its
    chart's title and sentence (``<title>``, ``<desc>``) and give it unique ids."""
    for parent in list(root.iter()):
        for child in list(parent):
            classes = set((child.get("class") or "").split())
            scripted = child.tag in ("style", "script") or classes & SCRIPTED
            if scripted or child.tag is ElementTree.Comment or is_pygal_desc(child):
                parent.remove(child)
        for name in ("style", "id", "rx", "ry"):
            parent.attrib.pop(name, None)
        for name in COORDINATES:
            if name in parent.attrib:
                parent.set(name, NUMBER.sub(rounded, parent.get(name)))
        if XLINK_HREF in parent.attrib:  # SVG 2's plain href: no namespace to declare
            parent.set("href", parent.attrib.pop(XLINK_HREF))
    root.set("id", f"{chart.slug}-svg")
    root.set("aria-labelledby", f"{chart.slug}-title {chart.slug}-desc")
    title = root.find("title")
    title.text = chart.title
    title.set("id", f"{chart.slug}-title")
    desc = ElementTree.Element("desc", id=f"{chart.slug}-desc")
    desc.text = chart.summary
    root.insert(list(root).index(title) + 1, desc)
    for defs in root.findall("defs"):
        root.remove(defs)
    return root


def shown(value):
    return "none" if value is None else value


def rounded(match):
    return f"{float(match.group()):.1f}".removesuffix(".0")


def is_pygal_desc(element):
    # pygal describes each value for its tooltip script: the value, its place, its link.
    return element.tag == "desc" and element.get("class") is not None


def label_step(count, most):
    """Every how many labels one is written, so that at most ``most`` fit the width."""
    for step in (1, 2, 3, 6, 12, 24, 36, 60, 120):
        if count <= most * step:
            return step
    return count


def ticks(largest):
    """Whole numbers for the value axis: zero and a few round steps past the largest."""
    step = 1
    while largest / step > 5:
        for factor in (2, 2.5, 2):
            step = int(step * factor)
            if largest / step <= 5:
                break
    return list(range(0, largest + step, step)) if largest else [0, 1]
