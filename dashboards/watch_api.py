"""`/api/v1/watchlists/`: a signed-in user's own watchlist (token or session; no model
permission), and `/api/v1/watchlists/settings/`: how their alerts are emailed. Another user's
item is a 404; writes go through dashboards.watch_services, as the pages' do."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import get_language
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from deals.api.errors import call_service
from deals.api.fields import SlugOf
from deals.api.renderers import JSONRenderer, SignedInBrowsableAPIRenderer
from deals.api.schema import AutoSchema
from deals.models import Investor
from startups.models import Startup

from . import watch_selectors, watch_services
from .models import EmailMode, WatchItem

KINDS = ("startup", "investor", "search")


class SignedInSchema(AutoSchema):
    """Documented as it answers: a token or a session, even for reads (anonymous: 401)."""

    def get_auth(self) -> list[dict]:
        return [scheme for scheme in super().get_auth() if scheme]


def slug_of(model, name: str) -> SlugOf:
    """The record to follow, by slug or any reference the resolver takes (a legal name)."""
    return SlugOf(
        queryset=model.objects.all(),
        required=False,
        allow_null=True,
        help_text=f"The {name} to follow, by slug (or identifier, name or alias).",
        error_messages={"does_not_exist": f"No {name} has the slug {{value}}."},
    )


class WatchItemSerializer(serializers.ModelSerializer):
    startup = slug_of(Startup, "startup")
    investor = slug_of(Investor, "investor")
    search = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=1000,
        help_text="A /rounds/ query string (`investor=tencent&ai=1`), validated by the rounds "
        "page's filters; read back normalised: filters only, in one order, slugs sorted.",
    )
    kind = serializers.SerializerMethodField(help_text="startup, investor or search.")
    link = serializers.SerializerMethodField(help_text="The page it follows.")
    created = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = WatchItem
        fields = ["id", "kind", "startup", "investor", "search", "link", "created"]

    def get_kind(self, item: WatchItem) -> str:
        return "startup" if item.startup_id else "investor" if item.investor_id else "search"

    def get_link(self, item: WatchItem) -> str:
        if item.startup_id:
            path = reverse("dashboards:startup", args=[item.startup.slug])
        elif item.investor_id:
            path = reverse("dashboards:investor", args=[item.investor.slug])
        else:
            path = f"{reverse('dashboards:rounds')}?{item.search}"
        return self.context["request"].build_absolute_uri(path)


@extend_schema_view(
    list=extend_schema(summary="List your watchlist: what you follow, newest first"),
    retrieve=extend_schema(summary="Read one item of your watchlist"),
    create=extend_schema(
        summary="Follow a startup, an investor or a search",
        description="Exactly one of `startup` (a slug), `investor` (a slug, its affiliates "
        "included) or `search` (a /rounds/ query string with at least one filter). An unknown "
        "slug, a search the rounds page would not apply, or something already followed is "
        "a 400 naming the field.",
    ),
    destroy=extend_schema(summary="Stop following an item"),
)
class WatchItemViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Your own items only: another user's are not found (404). An item is changed by deleting
    it and following anew."""

    serializer_class = WatchItemSerializer
    permission_classes = [IsAuthenticated]
    schema = SignedInSchema()
    renderer_classes = [JSONRenderer, SignedInBrowsableAPIRenderer]
    # Newest first (the keyset pages' `-pk`): no filters or other orderings for a few items.
    filter_backends: list = []
    ordering_fields: list[str] = []
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        return watch_selectors.watch_items(self.request.user)

    def perform_create(self, serializer: WatchItemSerializer) -> None:
        given = {kind: serializer.validated_data.get(kind) for kind in KINDS}
        serializer.instance = call_service(
            watch_services.watch_item_create,
            user=self.request.user,
            startup=given["startup"],
            investor=given["investor"],
            search=given["search"] or "",
            language=get_language(),
        )

    def perform_destroy(self, instance: WatchItem) -> None:
        call_service(watch_services.watch_item_delete, user=self.request.user, item_id=instance.pk)


class WatchSettingsSerializer(serializers.Serializer):
    email_mode = serializers.ChoiceField(
        choices=EmailMode.values,
        help_text="immediate: an email per alert; digest: one a day; off: no email.",
    )
    language = serializers.ChoiceField(
        choices=[code for code, _name in settings.LANGUAGES],
        required=False,
        help_text="The language of your emails; unchanged when left out.",
    )
    feed_url = serializers.SerializerMethodField(
        help_text="Your alerts as an Atom feed. Its secret address is its credential: keep it "
        "to yourself."
    )

    def get_feed_url(self, follower) -> str:
        path = reverse("dashboards:watchlist-feed", args=[follower.feed_secret])
        return self.context["request"].build_absolute_uri(path)


class WatchSettingsView(APIView):
    """How your alerts reach you: email mode and language, and your private feed's address."""

    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer, SignedInBrowsableAPIRenderer]
    serializer_class = WatchSettingsSerializer
    schema = SignedInSchema()

    def answer(self, follower) -> Response:
        return Response(WatchSettingsSerializer(follower, context={"request": self.request}).data)

    @extend_schema(summary="Read your alert settings")
    def get(self, request: Request) -> Response:
        return self.answer(watch_services.follower_get_or_create(user=request.user))

    @extend_schema(summary="Change your alert settings")
    def patch(self, request: Request) -> Response:
        given = WatchSettingsSerializer(data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        follower = watch_services.follower_get_or_create(user=request.user)
        follower = call_service(
            watch_services.follower_settings_update,
            user=request.user,
            email_mode=given.validated_data.get("email_mode", follower.email_mode),
            language=given.validated_data.get("language", ""),
        )
        return self.answer(follower)
