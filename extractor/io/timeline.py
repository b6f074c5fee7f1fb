"""The report's small pictures and labels: a fact's numbers on an SVG timeline.

:func:`timeline` draws one point per number of each dated member of a cluster (a bar
for a hedged number's range) as escaped SVG markup built here: no script, no style
attribute, so the page's Content-Security-Policy allows it. :func:`quantity_label` says
what was read as what ("‘as many as 10,000’ → 10,000, range 0 to 10,000").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from markupsafe import Markup

from ..models import Cluster, Quantity

__all__ = ["number_label", "quantity_label", "timeline"]


def number_label(value: float) -> str:
    return f"{int(value):,}" if value.is_integer() else f"{value:,}"


def quantity_label(quantity: Quantity) -> str:
    """``‘as many as 10,000 troops’ → 10,000, range 0 to 10,000``: what was read, as what."""
    unit = quantity.unit or ""
    shown = f"‘{quantity.raw}’ → {number_label(quantity.value)}"
    if unit and unit.casefold() not in quantity.raw.casefold():
        shown += f" {unit}"
    lower, upper = quantity.lower, quantity.upper
    if lower is not None and upper is not None and lower != upper:
        shown += f", range {number_label(lower)} to {number_label(upper)}"
    elif lower is not None and upper is None:
        shown += f", at least {number_label(lower)}"
    elif upper is not None and lower is None:
        shown += f", at most {number_label(upper)}"
    return shown


#: the timeline's drawing box: width, height, margin
_W, _H, _M = 320, 120, 28


@dataclass(frozen=True)
class _Point:
    source: str
    published: date
    quantity: Quantity


@dataclass(frozen=True)
class _Scale:
    """Days and values onto the drawing box (a single day or value sits in the middle)."""

    d0: int
    d1: int
    v0: float
    v1: float

    def x(self, day: int) -> float:
        d0, d1 = self.d0, self.d1
        return _M + (day - d0) / (d1 - d0) * (_W - 2 * _M) if d1 > d0 else _W / 2

    def y(self, value: float) -> float:
        v0, v1 = self.v0, self.v1
        return _H - _M - (value - v0) / (v1 - v0) * (_H - 2 * _M) if v1 > v0 else _H / 2


def timeline(cluster: Cluster) -> Markup | None:
    """The numbers of a fact by publication date, as SVG markup built here (no script).

    One point per number of each dated member; a hedged number with both bounds also gets
    a vertical bar from its lower to its upper bound. All text is escaped.
    """
    points = [
        _Point(m.source or m.article_id, m.published, q)
        for m in cluster.members
        if m.published is not None
        for q in m.quantities
    ]
    if not points:
        return None
    days = [p.published.toordinal() for p in points]
    values = [v for p in points for v in (p.quantity.value, p.quantity.lower, p.quantity.upper)]
    known = [v for v in values if v is not None]
    scale = _Scale(min(days), max(days), min(known), max(known))
    x, y = scale.x, scale.y
    parts = [
        Markup(
            '<svg class="timeline" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
            'aria-label="numbers by publication date">'
        ).format(w=_W, h=_H),
        Markup('<line class="axis" x1="{}" y1="{}" x2="{}" y2="{}"/>').format(
            _M, _H - _M / 2, _W - _M, _H - _M / 2
        ),
    ]
    for p in points:
        q, cx = p.quantity, x(p.published.toordinal())
        label = f"{p.source}, {p.published.isoformat()}: {quantity_label(q)}"
        if q.lower is not None and q.upper is not None and q.lower != q.upper:
            parts.append(
                Markup(
                    '<line class="range" data-lower="{}" data-upper="{}" '
                    'x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}"><title>{}</title></line>'
                ).format(
                    number_label(q.lower),
                    number_label(q.upper),
                    cx,
                    y(q.lower),
                    cx,
                    y(q.upper),
                    label,
                )
            )
        parts.append(
            Markup(
                '<circle class="point" r="4" cx="{:.1f}" cy="{:.1f}" data-value="{}" '
                'data-date="{}" data-source="{}"><title>{}</title></circle>'
            ).format(
                cx, y(q.value), number_label(q.value), p.published.isoformat(), p.source, label
            )
        )
    parts += _ticks(scale)
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def _ticks(scale: _Scale) -> list[Markup]:
    """The first date under the axis' start, and the last (if another) under its end."""
    ticks = [
        Markup('<text class="tick" x="{}" y="{}">{}</text>').format(
            _M, _H - 2, date.fromordinal(scale.d0).isoformat()
        )
    ]
    if scale.d1 > scale.d0:
        ticks.append(
            Markup('<text class="tick end" x="{}" y="{}">{}</text>').format(
                _W - _M, _H - 2, date.fromordinal(scale.d1).isoformat()
            )
        )
    return ticks
