"""Each overview chart's data as CSV rows: one row per point, slugs beside both names,
amounts in whole units, so that a spreadsheet can redraw the chart."""

from typing import Any


def _names(record: dict) -> list:
    return [record.get("name_en", ""), record.get("name_zh", "")]


def chart_table(slug: str, data: Any) -> tuple[list[str], list[list]]:
    if slug == "ai-share":
        header = [
            "row",
            "investor",
            "name_en",
            "name_zh",
            "period_start",
            "period_end",
            "deals_total",
            "deals_ai",
            "ai_share",
            "deals_disclosed",
            "published_value",
            "published_qualifier",
            "published_unit",
            "source_urls",
            "ai_definition",
        ]
        rows = [
            [
                "tracked",
                s["slug"],
                *_names(s),
                p["period_start"],
                "",
                p["deals_total"],
                p["deals_ai"],
                p["ai_share"],
                p["deals_disclosed"],
                "",
                "",
                "",
                "",
                data["definition"],
            ]
            for s in data["series"]
            for p in s["points"]
        ]
        rows += [
            [
                "published",
                r["investor"],
                r["subject"],
                "",
                r["period_start"],
                r["period_end"],
                r["deals_tracked"],
                r["deals_ai"],
                "",
                "",
                # Without its stored zeros: 40, not 40.000000.
                r["value"].normalize(),
                r["qualifier"],
                r["unit"],
                ";".join(r["source_urls"]),
                data["definition"],
            ]
            for r in data["published"]["shares"] + data["published"]["deal_counts"]
        ]
        return header, rows
    if slug == "valuations":
        header = [
            "startup",
            "name_en",
            "name_zh",
            "date",
            "date_precision",
            "valuation_usd",
            "qualifier",
            "round",
            "kind",
            "leads",
            "source_urls",
        ]
        return header, [
            [
                s["slug"],
                *_names(s),
                p["date"],
                p["date_precision"],
                p["valuation_usd"],
                p["qualifier"],
                p["round"] or "",
                p["kind"],
                ";".join(lead["slug"] for lead in p["leads"]),
                ";".join(p["source_urls"]),
            ]
            for s in data
            for p in s["points"]
        ]
    if slug == "unicorns":
        header = [
            "period_start",
            "period_end",
            "count",
            "stale",
            "startups",
            "stale_startups",
            "joined",
            "left",
        ]
        return header, [
            [
                p["period_start"],
                p["period_end"],
                p["count"],
                p["stale"],
                ";".join(p["startups"]),
                ";".join(p["stale_startups"]),
                ";".join(s["slug"] for s in p["joined"]),
                ";".join(s["slug"] for s in p["left"]),
            ]
            for p in data
        ]
    if slug == "capital":
        header = [
            "investor",
            "name_en",
            "name_zh",
            "kind",
            "capital_usd",
            "capital_qualifier",
            "compute_credits_usd",
            "compute_credits_qualifier",
            "own_contribution_usd",
            "own_contribution_qualifier",
            "deals",
            "deals_disclosed",
        ]
        return header, [
            [
                r["slug"],
                *_names(r),
                r["kind"],
                r["capital_usd"],
                r["capital_qualifier"],
                r["credits_usd"],
                r["credits_qualifier"],
                r["own_usd"],
                r["own_qualifier"],
                r["deals"],
                r["deals_disclosed"],
            ]
            for r in data
        ]
    if slug == "co-investments":
        investors = {investor["id"]: investor for investor in data["investors"]}
        header = [
            "investor_a",
            "name_a_en",
            "name_a_zh",
            "investor_b",
            "name_b_en",
            "name_b_zh",
            "shared_startups",
            "shared_rounds",
            "first_together",
            "first_together_precision",
            "startups",
        ]
        rows = []
        for pair in data["pairs"]:
            a, b = investors[pair["investor_a_id"]], investors[pair["investor_b_id"]]
            rows.append(
                [
                    a["slug"],
                    *_names(a),
                    b["slug"],
                    *_names(b),
                    pair["shared_startups"],
                    pair["shared_rounds"],
                    pair["first_together"],
                    pair["first_together_precision"],
                    ";".join(startup["slug"] for startup in pair["startups"]),
                ]
            )
        return header, rows
    if slug == "products":
        header = ["startup", "name_en", "name_zh", "quarter_start", "new_products", "cumulative"]
        return header, [
            [s["slug"], *_names(s), p["period_start"], p["new"], p["cumulative"]]
            for s in data["series"]
            for p in s["points"]
        ]
    if slug == "filings":
        return _filings_table(data)
    raise KeyError(slug)


def _filings_table(data: dict) -> tuple[list[str], list[list]]:
    """The national counts with their bounds and sources, each beside the products tracked
    here by its date and their share of it; then the tracked products' own steps."""
    header = [
        "row",
        "metric",
        "subject",
        "date",
        "value",
        "qualifier",
        "unit",
        "tracked_products",
        "share_of_national",
        "share_qualifier",
        "source_urls",
    ]
    rows = [
        [
            "published",
            p["metric"],
            p["subject"],
            p["date"],
            p["value"].normalize(),
            p["qualifier"],
            p["unit"],
            p["tracked"],
            round(p["share"], 4) if p["share"] is not None else None,
            p["share_qualifier"] if p["share"] is not None else "",
            ";".join(c.url for c in p["citations"]),
        ]
        for points in data["series"].values()
        for p in points
    ]
    rows += [
        ["tracked", "", "", p["date"], p["cumulative"], "exact", "products", "", "", "", ""]
        for p in data["tracked"]["points"]
    ]
    return header, rows
