"""External identifiers of a company: what each looks like, its check character, its link.

A startup or an investor carries at most one of each kind (`IDENTIFIER_KINDS`), stored in a
column of its own (`NamedInBothLanguages`), unique per kind among records of the same model.
Every way in (admin, API, import) writes them through `normalise_identifier`, which answers a
typing slip in a check character with a message naming the character expected.

Written in one cell or query parameter as `kind:value`, several separated by ';'
(`uscc:91110108MA01ABCD5T; wikidata:Q123`): `parse_identifiers` and `format_identifiers`.
"""

import re
from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .vocab import split_list


class IdentifierKind(models.TextChoices):
    USCC = "uscc", _("Unified Social Credit Code")
    LEI = "lei", _("LEI")
    WIKIDATA = "wikidata", _("Wikidata item")
    CRUNCHBASE = "crunchbase", _("Crunchbase permalink")
    STOCK = "stock", _("stock code")


IDENTIFIER_KINDS = tuple(IdentifierKind.values)
# The model field of each kind: `uscc`, `lei`, `wikidata`, `crunchbase`, `stock`.
IDENTIFIER_FIELDS = IDENTIFIER_KINDS

# GB 32100-2015: the 31 characters of a code, without I, O, S, V and Z (read as 1, 0, 5, U, 2).
USCC_CHARACTERS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_PATTERN = re.compile(rf"[{USCC_CHARACTERS}]{{18}}")
# GB 11714-1997: the organisation code, characters 9 to 17 of a USCC (8 + its check character).
ORGANISATION_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
ORGANISATION_CODE_PATTERN = re.compile(r"[0-9A-Z]{8}[0-9X]")

LEI_PATTERN = re.compile(r"[0-9A-Z]{18}[0-9]{2}")
WIKIDATA_PATTERN = re.compile(r"Q[1-9][0-9]{0,11}")
CRUNCHBASE_PATTERN = re.compile(r"[a-z0-9]+(?:[-_.][a-z0-9]+)*")
CRUNCHBASE_URL = re.compile(r"^https?://(?:www\.)?crunchbase\.com/organization/([^/?#]+)/?$", re.I)

# Each exchange with the shape of its codes, and how a code is written in full.
STOCK_EXCHANGES = {
    "HKEX": (re.compile(r"[0-9]{1,5}"), lambda code: code.zfill(5)),
    "SSE": (re.compile(r"[0-9]{6}"), str),
    "SZSE": (re.compile(r"[0-9]{6}"), str),
    "BSE": (re.compile(r"[0-9]{6}"), str),
    "NASDAQ": (re.compile(r"[A-Z]{1,5}(?:\.[A-Z])?"), str),
    "NYSE": (re.compile(r"[A-Z]{1,5}(?:\.[A-Z])?"), str),
}

MAX_LENGTH = {"uscc": 18, "lei": 20, "wikidata": 13, "crunchbase": 100, "stock": 20}


def _uscc_check_character(first17: str) -> str:
    total = sum(USCC_CHARACTERS.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARACTERS[(31 - total % 31) % 31]


def _organisation_check_character(first8: str) -> str:
    total = sum(int(c, 36) * w for c, w in zip(first8, ORGANISATION_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def _uscc(value: str) -> str:
    code = value.replace(" ", "").upper()
    if not USCC_PATTERN.fullmatch(code):
        raise ValidationError(
            _(
                "must be 18 characters of digits and capital letters other than I, O, S, V "
                "and Z (got %(value)r)"
            )
            % {"value": value}
        )
    organisation = code[8:17]
    if not ORGANISATION_CODE_PATTERN.fullmatch(organisation):
        raise ValidationError(
            _(
                "characters 9 to 17 are the organisation code (GB 11714): 8 digits or capital "
                "letters and a check digit or X (got %(code)r)"
            )
            % {"code": organisation}
        )
    expected = _organisation_check_character(organisation[:8])
    if organisation[8] != expected:
        raise ValidationError(
            _(
                "the organisation code %(code)s has a wrong check character: the 17th character "
                "should be %(expected)r per GB 11714 (got %(got)r)"
            )
            % {"code": organisation, "expected": expected, "got": organisation[8]}
        )
    expected = _uscc_check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _(
                "has a wrong check character: the 18th character should be %(expected)r per "
                "GB 32100 (got %(got)r)"
            )
            % {"expected": expected, "got": code[17]}
        )
    return code


def _lei(value: str) -> str:
    code = value.replace(" ", "").upper()
    if not LEI_PATTERN.fullmatch(code):
        raise ValidationError(
            _(
                "must be 20 characters: 18 digits or capital letters, then 2 check digits "
                "(got %(value)r)"
            )
            % {"value": value}
        )
    if int("".join(str(int(c, 36)) for c in code)) % 97 != 1:
        raise ValidationError(
            _("has wrong check digits (ISO 17442, mod 97-10) (got %(value)r)") % {"value": code}
        )
    return code


def _wikidata(value: str) -> str:
    qid = value.strip()
    if qid.startswith(("http://", "https://")):
        qid = qid.rstrip("/").rsplit("/", 1)[-1]
    qid = qid.upper()
    if not WIKIDATA_PATTERN.fullmatch(qid):
        raise ValidationError(
            _("must be a Wikidata item: Q and digits, such as Q42 (got %(value)r)")
            % {"value": value}
        )
    return qid


def _crunchbase(value: str) -> str:
    permalink = value.strip()
    if match := CRUNCHBASE_URL.match(permalink):
        permalink = match.group(1)
    permalink = permalink.lower()
    if not CRUNCHBASE_PATTERN.fullmatch(permalink) or len(permalink) > MAX_LENGTH["crunchbase"]:
        raise ValidationError(
            _(
                "must be a Crunchbase permalink such as moonshot-ai, or its "
                "crunchbase.com/organization/ address (got %(value)r)"
            )
            % {"value": value}
        )
    return permalink


def _stock(value: str) -> str:
    exchange, _colon, code = value.strip().upper().partition(":")
    exchange, code = exchange.strip(), code.strip()
    if exchange not in STOCK_EXCHANGES or not code:
        raise ValidationError(
            _("must be EXCHANGE:CODE with the exchange one of %(exchanges)s (got %(value)r)")
            % {"exchanges": ", ".join(STOCK_EXCHANGES), "value": value}
        )
    pattern, written = STOCK_EXCHANGES[exchange]
    if not pattern.fullmatch(code):
        raise ValidationError(
            _("%(code)r is not a code of %(exchange)s (got %(value)r)")
            % {"code": code, "exchange": exchange, "value": value}
        )
    return f"{exchange}:{written(code)}"


NORMALISERS = {
    "uscc": _uscc,
    "lei": _lei,
    "wikidata": _wikidata,
    "crunchbase": _crunchbase,
    "stock": _stock,
}


def normalise_identifier(kind: str, value: str) -> str:
    """The identifier as stored, or a ValidationError saying what is wrong with it."""
    if kind not in NORMALISERS:
        raise ValidationError(
            _("%(kind)r is not an identifier kind (one of %(kinds)s)")
            % {"kind": kind, "kinds": ", ".join(IDENTIFIER_KINDS)}
        )
    return NORMALISERS[kind](value)


def parse_identifier(text: str) -> tuple[str, str]:
    """`uscc:9111...` → ("uscc", "9111..."), validated and normalised."""
    kind, colon, value = text.strip().partition(":")
    kind = kind.strip().lower()
    if not colon or not value.strip():
        raise ValidationError(
            _("must be kind:value with the kind one of %(kinds)s (got %(text)r)")
            % {"kinds": ", ".join(IDENTIFIER_KINDS), "text": text}
        )
    return kind, normalise_identifier(kind, value.strip())


def parse_identifiers(text: str) -> dict[str, str]:
    """A `;` list of `kind:value`; a kind given twice is refused. Errors name the item."""
    found: dict[str, str] = {}
    for item in split_list(text):
        kind, value = parse_identifier(item)
        if kind in found and found[kind] != value:
            raise ValidationError(
                _("gives %(kind)s twice (%(first)s and %(second)s): a record has one of each")
                % {"kind": kind, "first": found[kind], "second": value}
            )
        found[kind] = value
    return found


def format_identifiers(identifiers: dict[str, str]) -> str:
    """The cell form, kinds in their fixed order: `uscc:...; wikidata:Q...`."""
    return "; ".join(
        f"{kind}:{identifiers[kind]}" for kind in IDENTIFIER_KINDS if identifiers.get(kind)
    )


def identifiers_of(record) -> dict[str, str]:
    """The identifiers a startup or an investor carries, by kind (blank ones left out)."""
    return {kind: value for kind in IDENTIFIER_FIELDS if (value := getattr(record, kind, ""))}


def identifier_url(kind: str, value: str) -> str:
    """Where an analyst reads the identifier's own record."""
    if kind == "wikidata":
        return f"https://www.wikidata.org/wiki/{value}"
    if kind == "crunchbase":
        return f"https://www.crunchbase.com/organization/{quote(value)}"
    if kind == "lei":
        return f"https://search.gleif.org/#/record/{value}"
    if kind == "uscc":
        # The national registry's search takes the code; it has no stable per-company address.
        return f"https://www.gsxt.gov.cn/corp-query-search-1.html?searchword={value}"
    exchange, _colon, code = value.partition(":")
    return {
        "HKEX": f"https://www.hkexnews.hk/sdw/search/searchsdw.aspx?stockcode={code}",
        "SSE": f"https://www.sse.com.cn/assortment/stock/list/info/company/index.shtml?COMPANY_CODE={code}",
        "SZSE": f"https://www.szse.cn/certificate/individual/index.html?code={code}",
        "BSE": f"https://www.bse.cn/nq/listedcompany.html?companyCode={code}",
        "NASDAQ": f"https://www.nasdaq.com/market-activity/stocks/{code.lower()}",
        "NYSE": f"https://www.nyse.com/quote/XNYS:{code}",
    }[exchange]


def identifier_constraints(model: str) -> list[models.BaseConstraint]:
    """One record per identifier of each kind among the model's records (blanks aside)."""
    return [
        models.UniqueConstraint(
            fields=[kind],
            condition=~Q(**{kind: ""}),
            name=f"{model}_{kind}_unique",
            violation_error_message=_("Another record already carries this identifier."),
        )
        for kind in IDENTIFIER_KINDS
    ]


def identifier_owners(
    model: type[models.Model], wanted: dict[str, set[str]]
) -> dict[tuple[str, str], tuple[int, str]]:
    """Which record of `model` carries each wanted identifier: (kind, value) -> (pk, slug),
    in one query. The rule "one record per identifier" names the record that has it already,
    wherever a write comes from (the model's validation, the import's batches)."""
    condition = Q()
    for kind, values in wanted.items():
        if values:
            # "not blank" repeats the unique index's condition, so that PostgreSQL uses the
            # partial index: it cannot prove that an IN list of over 100 values excludes ''.
            condition |= Q(**{f"{kind}__in": sorted(values)}) & ~Q(**{kind: ""})
    if not condition:
        return {}
    owners: dict[tuple[str, str], tuple[int, str]] = {}
    rows = model._default_manager.filter(condition).values("pk", "slug", *wanted)
    for row in rows:
        for kind, values in wanted.items():
            if row[kind] in values:
                owners[(kind, row[kind])] = (row["pk"], row["slug"])
    return owners


def taken_message(model: type[models.Model], slug: str) -> str:
    """What a write that gives another record's identifier is told: which record has it."""
    return _("is already carried by the %(record)s %(slug)r") % {
        "record": model._meta.verbose_name,
        "slug": slug,
    }


def identifier_links(record) -> list[dict[str, str]]:
    """The identifiers a record carries as a profile shows them: the kind's label, the
    value, and where its own record is read."""
    return [
        {
            "kind": kind,
            "label": IdentifierKind(kind).label,
            "value": value,
            "url": identifier_url(kind, value),
        }
        for kind, value in identifiers_of(record).items()
    ]
