"""What "AI" means here: a startup's sector, and the named definitions an AI share is
computed for.

`is_ai` stays a field of its own (the CSV, the API and the aggregates read it) and means
`sector != not_ai`; an AI startup whose sector nobody gave counts as AI under every
definition, so data without sectors gives the shares it always gave.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Sector(models.TextChoices):
    FOUNDATION_MODELS = "foundation_models", _("foundation models")
    AI_APPLICATIONS = "ai_applications", _("AI applications")
    OTHER_AI = "other_ai", _("other AI")
    EMBODIED_AI = "embodied_ai", _("embodied AI (robotics)")
    AI_CHIPS = "ai_chips", _("AI chips")
    AUTONOMOUS_DRIVING = "autonomous_driving", _("autonomous driving")
    NOT_AI = "not_ai", _("not AI")


class AiDefinition(models.TextChoices):
    BROAD = "broad", _("broad AI")
    CORE = "core", _("core AI")


DEFAULT_AI_DEFINITION = AiDefinition.BROAD
# The sectors that the broad definition counts and the core one does not: AI in hardware
# and vehicles, which many published tallies leave out.
OUTSIDE_CORE = (Sector.EMBODIED_AI, Sector.AI_CHIPS, Sector.AUTONOMOUS_DRIVING)
# Per definition, what it counts: the startups' values of `sector`, blank included.
COUNTED = {
    AiDefinition.BROAD: [s for s in Sector.values if s != Sector.NOT_AI] + [""],
    AiDefinition.CORE: [s for s in Sector.values if s not in (*OUTSIDE_CORE, Sector.NOT_AI)] + [""],
}


def counts_as_ai(definition: str, prefix: str = "") -> Q:
    """The startups (or, with `prefix` such as "startup__", the records of startups) that
    `definition` counts as AI."""
    return Q(**{f"{prefix}is_ai": True}) & ~Q(
        **{f"{prefix}sector__in": [s for s in Sector.values if s not in COUNTED[definition]]}
    )


def core_ai_sql(is_ai: str, sector: str) -> str:
    """The SQL condition of the core definition over two columns (the broad one is `is_ai`)."""
    outside = ", ".join(f"'{s}'" for s in OUTSIDE_CORE)
    return f"({is_ai} AND {sector} NOT IN ({outside}))"


def sector_fields(
    *,
    sector: str | None,
    is_ai: bool | None,
    stored_sector: str = "",
    stored_is_ai: bool = True,
) -> dict:
    """`sector` and `is_ai` as a write leaves them, from what it gave (None: not given) and
    what was stored.

    A sector given decides is_ai; is_ai given alone keeps the stored sector when that agrees,
    else leaves an AI startup unclassified and makes any other `not_ai`. Both given and
    contradicting (foundation_models with is_ai false) is refused, naming is_ai.
    """
    if sector:
        implied = sector != Sector.NOT_AI
        if is_ai is not None and is_ai != implied:
            raise ValidationError({"is_ai": contradiction(sector, is_ai)})
        return {"sector": sector, "is_ai": implied}
    if is_ai is None:
        is_ai = stored_is_ai
    keep = sector is None and stored_sector and (stored_sector != Sector.NOT_AI) == is_ai
    return {"sector": stored_sector if keep else ("" if is_ai else Sector.NOT_AI), "is_ai": is_ai}


def contradiction(sector: str, is_ai: bool) -> str:
    if is_ai:
        return gettext("is true but the sector is not_ai: leave is_ai blank or make them agree")
    return gettext(
        "is false but the sector %(sector)s is an AI sector: leave is_ai blank or make them agree"
    ) % {"sector": sector}
