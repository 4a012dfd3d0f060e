"""The coverage report's words, shared by the /about/data/ page and `manage.py data_report`,
and the report as plain text lines for the command."""

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from deals.vocab import metric_label
from startups.sectors import Sector
from startups.vocab import format_partial_date

from .formatting import NONE, local_name, metric_value, percent

KIND_LABELS = {
    "startups": pgettext_lazy("records", "startups"),
    "investors": pgettext_lazy("records", "investors"),
    "rounds": pgettext_lazy("records", "funding rounds"),
    "participations": pgettext_lazy("records", "investors' stakes in rounds"),
    "valuations": pgettext_lazy("records", "valuations reported outside rounds"),
    "compute": pgettext_lazy("records", "compute deals"),
    "metrics": pgettext_lazy("records", "figures published by others"),
    "products": pgettext_lazy("records", "model products"),
}


def sector_label(sector: str) -> str:
    return str(Sector(sector).label) if sector else _("AI, sector not classified")


def period_text(start, end) -> str:
    """ "2023-01-01 to 2024-08-21", or the one end known."""
    start_text, end_text = format_partial_date(start, "day"), format_partial_date(end, "day")
    if start_text and end_text:
        return _("%(start)s to %(end)s") % {"start": start_text, "end": end_text}
    return start_text or end_text


def _table(header: list[str], rows: list[list[Any]]) -> Iterator[str]:
    """Columns padded to their widest cell: the first left-aligned, the rest right."""
    cells = [header, *([str(cell) for cell in row] for row in rows)]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    for row in cells:
        first, *rest = row
        yield (
            "  "
            + "  ".join(
                [
                    first.ljust(widths[0]),
                    *(cell.rjust(w) for cell, w in zip(rest, widths[1:], strict=True)),
                ]
            ).rstrip()
        )


def _giant_lines(giant: dict[str, Any]) -> Iterator[str]:
    yield ""
    yield _("Deals of %(name)s (%(slug)s), its affiliates' included, per year") % {
        "name": local_name(giant),
        "slug": giant["slug"],
    }
    rows = []
    for row in giant["years"]:
        counts = [
            (
                f"{metric_value(count['value'], count['unit'], count['qualifier'])} "
                f"({count['subject']})",
                percent(count["tracked_share"], 0, count["tracked_share_qualifier"]),
            )
            for count in row["published"]
        ]
        rows.append(
            [
                row["year"],
                row["deals"],
                row["ai"],
                "; ".join(value for value, _ in counts) or NONE,
                "; ".join(share for _, share in counts) or NONE,
            ]
        )
    header = [
        pgettext("coverage", "year"),
        pgettext("coverage", "tracked"),
        pgettext("coverage", "AI"),
        pgettext("coverage", "published"),
        pgettext("coverage", "tracked / published"),
    ]
    yield from _table(header, rows)
    for figure in giant["published"]:
        yield "  " + _(
            "%(period)s: %(figure)s %(value)s (%(subject)s); tracked here: %(deals)s deals, "
            "%(ai)s of them AI (%(share)s)"
        ) % {
            "period": period_text(figure["period_start"], figure["period_end"]),
            "figure": metric_label(figure["metric"]),
            "value": metric_value(figure["value"], figure["unit"], figure["qualifier"]),
            "subject": figure["subject"],
            "deals": figure["deals_tracked"],
            "ai": figure["deals_ai"],
            "share": percent(figure["ai_share"]),
        }


def report_lines(report: dict[str, Any]) -> Iterator[str]:
    """The report (coverage_selectors.coverage()) as the command prints it."""
    startups, rounds = report["startups"], report["rounds"]
    yield _("Startups: %(total)s, of them AI: %(ai)s") % startups
    yield from _table(
        [pgettext("coverage", "sector"), pgettext("coverage", "startups")],
        [[sector_label(row["sector"]), row["startups"]] for row in startups["sectors"]],
    )
    yield ""
    yield _("Funding rounds: %(total)s, of AI startups: %(ai)s") % rounds
    yield from _table(
        [pgettext("coverage", "year"), pgettext("coverage", "rounds"), pgettext("coverage", "AI")],
        [[row["year"], row["rounds"], row["ai"]] for row in rounds["years"]],
    )
    for giant in report["giants"]:
        yield from _giant_lines(giant)
    yield ""
    yield _("Sources of each kind of record")
    yield from _table(
        [
            pgettext("coverage", "records"),
            pgettext("coverage", "count"),
            pgettext("coverage", "no source"),
            pgettext("coverage", "copies only"),
            pgettext("coverage", "disputed figures"),
        ],
        [
            [
                str(KIND_LABELS[row["kind"]]),
                row["records"],
                row["unsourced"],
                row["copies_only"],
                row["disputed_figures"],
            ]
            for row in report["records"]
        ],
    )
