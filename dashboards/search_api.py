"""`/api/v1/search/?q=`: the site search as JSON, for the header's suggestions and for
programs. Same answer as the `/search/` page (dashboards.search_selectors.site_search)."""

from dataclasses import asdict

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from deals.api.renderers import JSONRenderer, SignedInBrowsableAPIRenderer

from .search_selectors import KINDS, RESULTS_PER_KIND, search_query_error, site_search


class HitSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The name in the language of the request.")
    other_name = serializers.CharField(
        help_text="The name in the other language; empty when there is none."
    )
    context = serializers.CharField(help_text="What the record is and where it belongs.")
    url = serializers.CharField(help_text="The path of the page that shows it.")


SEARCH_RESPONSE = inline_serializer(
    name="SearchResults",
    fields={
        "query": serializers.CharField(),
        "results": inline_serializer(
            name="SearchResultsByKind",
            fields={kind: HitSerializer(many=True) for kind in KINDS},
        ),
    },
)


@extend_schema(
    summary="Search startups, investors, products and rounds by name",
    description=(
        "Matches English and Chinese names, aliases and product names, ignoring case and "
        "width (full-width KIMI, KIMI and kimi are one query); every word of `q` must occur "
        "in a name. A startup is also found by its products' names; rounds are those of the "
        f"startups found, newest first. At most {RESULTS_PER_KIND} results per kind. "
        "Names and context follow the request's language (Accept-Language)."
    ),
    parameters=[
        OpenApiParameter(
            "q",
            str,
            required=True,
            description=f"What to search for: at most {settings.SEARCH_MAX_TERM_LENGTH} "
            f"characters, at most {settings.SEARCH_MAX_TERMS} words.",
        )
    ],
    responses=SEARCH_RESPONSE,
)
class SearchView(APIView):
    # A nested answer: no CSV of it.
    renderer_classes = [JSONRenderer, SignedInBrowsableAPIRenderer]

    def get(self, request: Request) -> Response:
        query = request.query_params.get("q")
        problem = search_query_error(query)
        if problem:
            raise serializers.ValidationError({"q": [problem]})
        found = site_search(query)
        results = {kind: [asdict(hit) for hit in hits] for kind, hits in found.items()}
        return Response({"query": query, "results": results})
