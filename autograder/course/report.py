"""``grades/ASSIGNMENT/report.html``: what the class got, and which idea it missed.

One self-contained page (the charts are inline SVG written here by hand; no script, no CDN, no
plotting library to import on every grading run), so it opens offline, stays crisp at any zoom
and can be mailed or attached: the score histogram, the pass rate of every graded function (full
marks on all its tests) and of every test, the failed submissions with their reasons, the
answers still awaiting a manual grade, and how many submissions came in late. Every chart is an
``<svg role="img">`` with a title, and all its text (assignment and function names come from
files) is escaped.
"""
from __future__ import annotations

import html
import math
from dataclasses import dataclass
from pathlib import Path

from .export import GradeTable

BAR, LOW, HIGH = "#3b6ea5", "#b8453b", "#3b8f5a"  # histogram bars; pass rate under / from 50 %
INK, AXIS, GRID = "#222", "#555", "#e4e4e4"
CHAR = 7.0  # mean width of a 12 px sans-serif character: room for the function names


def _text(x: float, y: float, content, anchor: str = "start", extra: str = "") -> str:
    return (f"<text x='{x:.1f}' y='{y:.1f}' text-anchor='{anchor}'{extra}>"
            f"{html.escape(str(content))}</text>")


def _line(x1: float, y1: float, x2: float, y2: float, stroke: str = AXIS) -> str:
    return f"<line x1='{x1:.1f}' y1='{y1:.1f}' x2='{x2:.1f}' y2='{y2:.1f}' stroke='{stroke}'/>"


def _rect(x: float, y: float, width: float, height: float, fill: str, tip: str) -> str:
    """A bar, with ``tip`` as its tooltip."""
    return (f"<rect x='{x:.1f}' y='{y:.1f}' width='{width:.1f}' height='{height:.1f}' fill='{fill}'>"
            f"<title>{html.escape(tip)}</title></rect>")


def _svg(width: float, height: float, title: str, body: list[str]) -> str:
    """The chart: scales to the page's width, and is read out by its title."""
    label = html.escape(title)
    return (f"<svg viewBox='0 0 {width:.0f} {height:.0f}' width='100%' role='img' aria-label='{label}' "
            f"font-family='system-ui,sans-serif' font-size='12' fill='{INK}'><title>{label}</title>"
            + _text(width / 2, 20, title, "middle", " font-size='14' font-weight='600'")
            + "".join(body) + "</svg>")


def _ticks(top: float, whole: bool = False) -> list[float]:
    """0, step, 2 step… up to ``top``: a step of 1, 2 or 5 times a power of ten, at most 6 of them."""
    step = 10.0 ** math.floor(math.log10(top / 6))
    step *= next(f for f in (1, 2, 5, 10) if top / (step * f) <= 6)
    if whole:
        step = max(1.0, step)
    return [i * step for i in range(int(top / step + 1e-9) + 1)]


@dataclass
class _Plot:
    """The plotting area of a chart, in SVG units; x runs over 0..``x_max``, y over 0..``y_max``."""
    left: float
    top: float
    right: float
    bottom: float
    x_max: float
    y_max: float = 1.0

    def x(self, value: float) -> float:
        return self.left + (self.right - self.left) * value / self.x_max

    def y(self, value: float) -> float:
        return self.bottom - (self.bottom - self.top) * value / self.y_max

    def x_axis(self, ticks: list[float], label: str) -> list[str]:
        marks = [_line(self.left, self.bottom, self.right, self.bottom)]
        for tick in ticks:
            marks.append(_line(self.x(tick), self.bottom, self.x(tick), self.bottom + 4))
            marks.append(_text(self.x(tick), self.bottom + 17, f"{tick:g}", "middle"))
        marks.append(_text((self.left + self.right) / 2, self.bottom + 36, label, "middle"))
        return marks


def bin_counts(totals: list[float], top: float, bins: int) -> list[int]:
    """Students per bin: ``bins`` equal bins over 0..top, the last one closed (numpy's rule);
    a total outside the range is left out."""
    counts = [0] * bins
    for total in totals:
        if 0 <= total <= top:
            counts[min(int(total * bins / top), bins - 1)] += 1
    return counts


def score_histogram(table: GradeTable) -> str:
    totals = table.totals()
    top = table.max_total or 1.0
    bins = min(20, max(5, int(top))) if top >= 5 else 10
    counts = bin_counts(totals, top, bins)
    y_ticks = _ticks(max(counts) or 1, whole=True)
    if y_ticks[-1] < max(counts):
        y_ticks.append(y_ticks[-1] + y_ticks[1])
    plot = _Plot(left=48, top=44, right=624, bottom=272, x_max=top, y_max=y_ticks[-1])
    body = []
    for tick in y_ticks:
        body.append(_line(plot.left, plot.y(tick), plot.right, plot.y(tick), GRID if tick else AXIS))
        body.append(_text(plot.left - 6, plot.y(tick) + 4, f"{tick:g}", "end"))
    step = top / bins
    bar = plot.x(step) - plot.left  # each bar 1 narrower: a white gap between bars
    for i, count in enumerate(counts):
        if count:
            x, y = plot.x(i * step), plot.y(count)
            body.append(_rect(x + 0.5, y, bar - 1, plot.bottom - y, BAR,
                              f"{count} scored {i * step:g} to {(i + 1) * step:g}"))
            body.append(_text(x + bar / 2, y - 3, count, "middle"))
    body.append(_line(plot.left, plot.top, plot.left, plot.bottom))
    body.append(_text(14, (plot.top + plot.bottom) / 2, "students", "middle",
                      f" transform='rotate(-90 14 {(plot.top + plot.bottom) / 2:.1f})'"))
    body += plot.x_axis(_ticks(top), f"total score (out of {top:g})")
    return _svg(640, 320, f"{table.assignment}: scores of {len(totals)} submissions", body)


def pass_rate_chart(table: GradeTable) -> str:
    columns = table.columns
    rates = [table.pass_rate(c) for c in columns]
    row = 24
    left = 16 + CHAR * max((len(c) for c in columns), default=0)
    plot = _Plot(left=left, top=40, right=left + 400, bottom=40 + row * len(columns), x_max=100)
    body = [_line(plot.x(tick), plot.top, plot.x(tick), plot.bottom, GRID) for tick in range(20, 101, 20)]
    for i, (column, rate) in enumerate(zip(columns, rates)):
        middle = plot.top + row * (i + 0.5)
        body.append(_text(plot.left - 8, middle + 4, column, "end"))
        if rate is None:  # written answers no one has graded yet: no bar, not a 0 % one
            body.append(_text(plot.left + 4, middle + 4, "awaiting grading"))
            continue
        rate = 100 * rate
        body.append(_rect(plot.left, middle - 8, plot.x(rate) - plot.left, 16, LOW if rate < 50 else HIGH,
                          f"{column}: {rate:.0f}% with full marks"))
        body.append(_text(plot.x(rate) + 4, middle + 4, f"{rate:.0f}%"))
    body.append(_line(plot.left, plot.top, plot.left, plot.bottom))
    body += plot.x_axis(list(range(0, 101, 20)), "% of students with full marks")
    return _svg(plot.right + 48, plot.bottom + 48, "pass rate per graded function", body)


STYLE = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}
th{background:#f3f3f3}td.num{text-align:right}.low{color:#b8453b;font-weight:600}
svg{display:block;max-width:48rem;height:auto;margin:1rem 0}
"""


def _rate(rate) -> str:
    return "awaiting grading" if rate is None else f"{100 * rate:.0f}%"


def _fmt(value) -> str:
    return "–" if value is None else f"{value:.2f}".rstrip("0").rstrip(".")


def render(table: GradeTable, failures: dict[str, str], generated: str,
           notes: dict[str, list[str]] | None = None) -> str:
    e = html.escape
    summary = table.summary()
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
             f"<title>{e(table.assignment)}: grading report</title><style>{STYLE}</style></head><body>",
             f"<h1>{e(table.assignment)}: grading report</h1>",
             f"<p>{summary['graded']} graded, {len(failures)} failed; mean {_fmt(summary['mean'])}, "
             f"median {_fmt(summary['median'])} of {_fmt(summary['max_total'])} points. {e(generated)}</p>"]
    if table.awaiting_count():
        parts.append(f"<p><strong>{table.awaiting_count()} written answer(s) wait for a grade in the "
                     "formgrader</strong>; until then they count in no total, mean or pass rate.</p>")
    late = [s.student for s in table.students if s.submitted and s.late]
    if late:
        parts.append(f"<p><strong>{table.late_count()} submission(s) late</strong> (marked late by the LMS, or "
                     f"after the due date by nbgrader's timestamps): {e(', '.join(late))}. No score here is "
                     "reduced for it; late penalties are nbgrader's policy.</p>")
    if summary["graded"]:
        parts.append(f"<h2>Scores</h2>{score_histogram(table)}")
        parts.append(f"<h2>Which idea the class missed</h2>{pass_rate_chart(table)}")
        parts.append("<table><tr><th>function</th><th>points</th><th>mean</th><th>pass rate</th></tr>")
        for column in table.columns:
            rate = table.pass_rate(column)
            scores = table.column_scores(column)
            mean = sum(scores) / len(scores) if scores else None
            low = " class='num low'" if rate is not None and rate < 0.5 else " class='num'"
            parts.append(f"<tr><td>{e(column)}</td><td class='num'>{_fmt(table.column_max(column))}</td>"
                         f"<td class='num'>{_fmt(mean)}</td><td{low}>{_rate(rate)}</td></tr>")
        parts.append("</table><h3>Every test</h3>"
                     "<table><tr><th>grade id</th><th>function</th><th>points</th><th>pass rate</th></tr>")
        for cell in table.cells:
            rate = table.cell_pass_rate(cell)
            parts.append(f"<tr><td>{e(cell.grade_id)}</td><td>{e(cell.column)}</td>"
                         f"<td class='num'>{_fmt(cell.max_score)}</td><td class='num'>{_rate(rate)}</td></tr>")
        parts.append("</table>")
    if failures:
        parts.append("<h2>Not graded</h2><table><tr><th>student or file</th><th>reason</th></tr>")
        for who, reason in sorted(failures.items()):
            parts.append(f"<tr><td>{e(who)}</td><td>{e(reason)}</td></tr>")
        parts.append("</table>")
    if notes:
        parts.append("<h2>Read with problems</h2><p>Graded as read; each student's feedback says "
                     "what was changed.</p><table><tr><th>student</th><th>what the grader had to change</th></tr>")
        for who, problems in sorted(notes.items()):
            parts.append(f"<tr><td>{e(who)}</td><td>{'<br>'.join(e(p) for p in problems)}</td></tr>")
        parts.append("</table>")
    waiting = [(s.student, s.awaiting) for s in table.submitted if s.awaiting]
    if waiting:
        parts.append("<h2>Awaiting a manual grade in the formgrader</h2><ul>")
        parts.extend(f"<li>{e(student)}: {e(', '.join(ids))}</li>" for student, ids in waiting)
        parts.append("</ul>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(table: GradeTable, failures: dict[str, str], path: Path, generated: str = "",
                 notes: dict[str, list[str]] | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(table, failures, generated, notes), encoding="utf-8")
    return path
