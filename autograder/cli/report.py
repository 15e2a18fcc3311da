"""``grades/ASSIGNMENT/report.html``: what the class got, and which idea it missed.

One self-contained page (pictures are PNGs embedded as ``data:`` URIs; no script, no CDN), so it
opens offline and can be mailed or attached: the score histogram, the pass rate of every graded
function (full marks on all its tests) and of every test, the failed submissions with their
reasons, and the answers still awaiting a manual grade.
"""
from __future__ import annotations

import base64
import html
import io
from pathlib import Path

from .export import GradeTable


def _png(figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def score_histogram(table: GradeTable) -> str:
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6.4, 3.2))
    axes = figure.add_subplot()
    totals = table.totals()
    top = table.max_total or 1.0
    bins = min(20, max(5, int(top))) if top >= 5 else 10
    axes.hist(totals, bins=bins, range=(0, top), color="#3b6ea5", edgecolor="white")
    axes.set_xlabel(f"total score (out of {top:g})")
    axes.set_ylabel("students")
    axes.set_title(f"{table.assignment}: scores of {len(totals)} submissions")
    return _png(figure)


def pass_rate_chart(table: GradeTable) -> str:
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    columns = table.columns
    rates = [100 * (table.pass_rate(c) or 0.0) for c in columns]
    figure = Figure(figsize=(6.4, 0.45 * len(columns) + 1.2))
    axes = figure.add_subplot()
    bars = axes.barh(range(len(columns)), rates, color=["#b8453b" if r < 50 else "#3b8f5a" for r in rates])
    axes.set_yticks(range(len(columns)), columns)
    axes.invert_yaxis()
    axes.set_xlim(0, 100)
    axes.set_xlabel("% of students with full marks")
    axes.bar_label(bars, labels=[f"{r:.0f}%" for r in rates], padding=3)
    axes.set_title("pass rate per graded function")
    return _png(figure)


STYLE = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}
th{background:#f3f3f3}td.num{text-align:right}.low{color:#b8453b;font-weight:600}img{max-width:100%}
"""


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
    if summary["graded"]:
        parts.append(f"<h2>Scores</h2><img alt='histogram of total scores' src='{score_histogram(table)}'>")
        parts.append(f"<h2>Which idea the class missed</h2>"
                     f"<img alt='pass rate of every graded function' src='{pass_rate_chart(table)}'>")
        parts.append("<table><tr><th>function</th><th>points</th><th>mean</th><th>pass rate</th></tr>")
        for column in table.columns:
            rate = table.pass_rate(column)
            scores = [s.column_score(table.cells, column) for s in table.submitted]
            mean = sum(scores) / len(scores)
            low = " class='num low'" if rate is not None and rate < 0.5 else " class='num'"
            parts.append(f"<tr><td>{e(column)}</td><td class='num'>{_fmt(table.column_max(column))}</td>"
                         f"<td class='num'>{_fmt(mean)}</td><td{low}>{100 * rate:.0f}%</td></tr>")
        parts.append("</table><h3>Every test</h3>"
                     "<table><tr><th>grade id</th><th>function</th><th>points</th><th>pass rate</th></tr>")
        for cell in table.cells:
            rate = table.cell_pass_rate(cell)
            parts.append(f"<tr><td>{e(cell.grade_id)}</td><td>{e(cell.column)}</td>"
                         f"<td class='num'>{_fmt(cell.max_score)}</td><td class='num'>{100 * rate:.0f}%</td></tr>")
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
        parts.append("<h2>Awaiting a manual grade (counted as 0 until graded)</h2><ul>")
        parts.extend(f"<li>{e(student)}: {e(', '.join(ids))}</li>" for student, ids in waiting)
        parts.append("</ul>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(table: GradeTable, failures: dict[str, str], path: Path, generated: str = "",
                 notes: dict[str, list[str]] | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(table, failures, generated, notes), encoding="utf-8")
    return path
