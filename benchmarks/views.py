"""The floor for the rounds API: the same page of rounds, participants and source URLs, read
with `.values()` and returned as JSON, with no serializer, filter, pagination or renderer."""

from collections import defaultdict

from django.http import JsonResponse

from deals.api.selectors import PARTICIPANT_COLUMNS
from deals.models import FundingRound, Participation

ROUND_FIELDS = [
    "id",
    "startup__slug",
    "startup__name_en",
    "startup__is_ai",
    "announced_on",
    "date_precision",
    "round_label",
    "amount",
    "amount_currency",
    "amount_qualifier",
    "amount_usd",
    "amount_fx_rate",
    "post_money_valuation",
    "valuation_currency",
    "valuation_qualifier",
    "post_money_valuation_usd",
    "valuation_fx_rate",
    "compute_credit_amount",
    "compute_credit_currency",
    "compute_credit_qualifier",
    "compute_credit_amount_usd",
    "compute_credit_fx_rate",
    "confidence",
    "notes",
    "created_at",
    "updated_at",
]
# The participant columns the API shows, by construction the same rows.
PARTICIPANT_FIELDS = ["round_id", *PARTICIPANT_COLUMNS[1:]]


def rounds_floor(request):
    size = int(request.GET.get("page_size", 50))
    rounds = list(
        FundingRound.objects.order_by("-announced_on", "-id").values(*ROUND_FIELDS)[:size]
    )
    ids = [row["id"] for row in rounds]
    participants, sources = defaultdict(list), defaultdict(list)
    for row in Participation.objects.filter(round_id__in=ids).values(*PARTICIPANT_FIELDS):
        participants[row.pop("round_id")].append(row)
    through = FundingRound.sources.through.objects.filter(fundinground_id__in=ids)
    for round_id, url in through.values_list("fundinground_id", "source__url"):
        sources[round_id].append(url)
    for row in rounds:
        row["participants"] = participants[row["id"]]
        row["source_urls"] = sources[row["id"]]
    return JsonResponse({"results": rounds})
