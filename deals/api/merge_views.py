"""The API's side of merges: `POST /api/v1/startups/<a>/merge/ {"from": "<b>"}` (and the same
for investors), and the 308 that a merged record's addresses answer."""

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from deals.merge_access import may_merge
from deals.merge_relations import MergeRefused
from deals.merging import KIND_OF, record_merge
from startups.merge_selectors import merged_into
from startups.models import Merge

from .errors import Conflict
from .renderers import JSONRenderer, SignedInBrowsableAPIRenderer

# "from" is a Python keyword: the field is declared by name.
MergeRequestSerializer = type(
    "MergeSerializer",  # the schema's component: MergeRequest
    (serializers.Serializer,),
    {"from": serializers.SlugField(max_length=80, help_text="The slug of the record merged in.")},
)
MergeResponseSerializer = inline_serializer(
    "MergeResponse",
    {
        "id": serializers.IntegerField(),
        "kind": serializers.CharField(),
        "survivor": serializers.CharField(),
        "merged": serializers.CharField(),
        "merged_at": serializers.DateTimeField(),
        "moved": serializers.DictField(child=serializers.IntegerField()),
    },
)


class MayMerge(BasePermission):
    def has_permission(self, request, view) -> bool:
        return may_merge(request.user, view.get_queryset().model)


class Moved(Exception):
    def __init__(self, location: str) -> None:
        self.location = location


class MergeMixin:
    """For the startups' and investors' viewsets (looked up by slug)."""

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            slug = self.kwargs.get(self.lookup_field, "")
            model = self.get_queryset().model
            survivor = merged_into(model, KIND_OF[model], slug)
            if survivor is None:
                raise
            path = self.request.path.replace(f"/{slug}/", f"/{survivor.slug}/", 1)
            query = self.request.META.get("QUERY_STRING")
            raise Moved(f"{path}?{query}" if query else path) from None

    def handle_exception(self, exc):
        if isinstance(exc, Moved):
            # 308, not 301: a client repeats its method and body at the new address.
            return Response(
                status=status.HTTP_308_PERMANENT_REDIRECT, headers={"Location": exc.location}
            )
        return super().handle_exception(exc)

    @extend_schema(
        request=MergeRequestSerializer,
        responses={
            200: MergeResponseSerializer,
            409: OpenApiResponse(
                inline_serializer("MergeConflict", {"detail": serializers.CharField()}),
                description="The merge would make two rows one: the message names them.",
            ),
        },
        description=(
            "Merge the record `from` into this one: its rows are repointed here, its names "
            "become aliases, it is deleted and its addresses redirect here (docs/identity.md)."
        ),
    )
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[MayMerge],
        renderer_classes=[JSONRenderer, SignedInBrowsableAPIRenderer],
    )
    def merge(self, request, *args, **kwargs):
        survivor = self.get_object()
        parsed = MergeRequestSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        model = type(survivor)
        merged = model._default_manager.filter(slug=parsed.validated_data["from"]).first()
        if merged is None:
            raise ValidationError(
                {
                    "from": [
                        _("No record has the slug “%(slug)s”.")
                        % {"slug": parsed.validated_data["from"]}
                    ]
                }
            )
        if merged.pk == survivor.pk:
            raise ValidationError({"from": [_("A record cannot be merged into itself.")]})
        try:
            merge = record_merge(survivor, merged, request.user)
        except MergeRefused as refused:
            raise Conflict(" ".join(refused.messages)) from refused
        return Response(merge_output(merge))


def merge_output(merge: Merge) -> dict:
    return {
        "id": merge.pk,
        "kind": merge.kind,
        "survivor": merge.survivor_slug,
        "merged": merge.merged_slug,
        "merged_at": serializers.DateTimeField().to_representation(merge.merged_at),
        "moved": {key: len(ids) for key, ids in merge.snapshot["moved"].items()},
    }
