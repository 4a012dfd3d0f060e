"""factory_boy factories: plain, valid records; tests state only what matters to them."""

import datetime as dt
import uuid
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from dashboards.models import Alert, Follower, WatchItem, WebhookEndpoint
from dashboards.webhook_signing import new_secret
from deals.models import (
    Claim,
    ComputeDeal,
    FundingRound,
    FxRate,
    Investor,
    Participation,
    ReportedMetric,
    ValuationMark,
)
from startups.models import ModelProduct, Source, Startup, Tag


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password("correct horse battery staple")


class StaffFactory(UserFactory):
    is_staff = True
    is_superuser = True


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source
        django_get_or_create = ("url",)

    url = factory.Sequence(lambda n: f"https://news.example.com/story/{n}")
    publisher = "Example News"
    title = factory.Sequence(lambda n: f"Story {n}")


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("slug",)

    slug = "little-ai-dragons"


class StartupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Startup
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"startup-{n}")
    name_en = factory.Sequence(lambda n: f"Startup {n}")
    name_zh = factory.Sequence(lambda n: f"初创{n}")
    city = "Beijing"
    is_ai = True
    # A startup outside AI is in the not_ai sector (the startup_is_ai_follows_sector rule).
    sector = factory.LazyAttribute(lambda startup: "" if startup.is_ai else "not_ai")


class ModelProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ModelProduct

    startup = factory.SubFactory(StartupFactory)
    name = factory.Sequence(lambda n: f"Model {n}")
    launched_on = dt.date(2024, 1, 15)


class InvestorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Investor
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"investor-{n}")
    name_en = factory.Sequence(lambda n: f"Investor {n}")
    kind = "vc"


class FxRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FxRate
        django_get_or_create = ("month", "currency")

    month = dt.date(2024, 1, 1)
    currency = "CNY"
    units_per_usd = Decimal("7.1")


class FundingRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingRound

    startup = factory.SubFactory(StartupFactory)
    announced_on = dt.date(2024, 2, 1)
    date_precision = "day"
    round_label = factory.Sequence(lambda n: f"Series {n}")
    amount = Decimal("100000000")
    amount_currency = "USD"
    confidence = "confirmed"


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    round = factory.SubFactory(FundingRoundFactory)
    investor = factory.SubFactory(InvestorFactory)


class ValuationMarkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ValuationMark

    startup = factory.SubFactory(StartupFactory)
    valued_on = dt.date(2024, 7, 1)
    value = Decimal("2000000000")
    currency = "USD"


class ComputeDealFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ComputeDeal

    startup = factory.SubFactory(StartupFactory)
    buyer = factory.LazyAttribute(lambda deal: deal.startup.name_en if deal.startup else "A buyer")
    kind = "chip_purchase"
    chip = "H100"
    quantity = 100
    provider = "Nvidia"
    announced_on = dt.date(2023, 12, 1)
    date_precision = "month"


class ReportedMetricFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportedMetric

    metric = "share_of_china_deals_in_ai_startups"
    subject = "Alibaba"
    period_start = dt.date(2023, 1, 1)
    period_end = dt.date(2024, 8, 21)
    value = Decimal("40")
    unit = "percent"


class ClaimFactory(factory.django.DjangoModelFactory):
    """A source's claim on a round's amount, unless told otherwise (save it through
    deals.claim_services.claim_save for the record to follow)."""

    class Meta:
        model = Claim

    round = factory.SubFactory(FundingRoundFactory)
    field = "amount"
    value = Decimal("100000000")
    currency = "USD"
    source = factory.SubFactory(SourceFactory)


def rounds_in_sectors(investor: Investor, dated_sectors: list[tuple[str, dt.date]]) -> None:
    """One round of `investor` per (sector, day): each in a startup of its own in that sector."""
    for sector, day in dated_sectors:
        company = StartupFactory(is_ai=sector != "not_ai", sector=sector)
        ParticipationFactory(
            round=FundingRoundFactory(startup=company, announced_on=day), investor=investor
        )


# --- Following: watchlist items, alerts, webhook endpoints -------------------------------------


class WatchItemFactory(factory.django.DjangoModelFactory):
    """A user following a startup, unless told to follow an investor or a search."""

    class Meta:
        model = WatchItem

    user = factory.SubFactory(UserFactory)
    startup = factory.SubFactory(StartupFactory)


class FollowerFactory(factory.django.DjangoModelFactory):
    """A user's alert settings (emailed immediately, in English, unless told otherwise)."""

    class Meta:
        model = Follower
        django_get_or_create = ("user",)

    user = factory.SubFactory(UserFactory)
    feed_secret = factory.LazyFunction(lambda: uuid.uuid4().hex)


class AlertFactory(factory.django.DjangoModelFactory):
    """An alert about a round (`kind` and `record_id` name another record); `raised_at` sets
    when it was raised (auto_now_add otherwise)."""

    class Meta:
        model = Alert
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    event = "round.created"
    kind = "round"
    record_id = factory.LazyFunction(lambda: FundingRoundFactory().pk)

    @factory.post_generation
    def raised_at(alert, create, when, **kwargs):
        if when is not None:
            type(alert).objects.filter(pk=alert.pk).update(created_at=when)
            alert.created_at = when


class WebhookEndpointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WebhookEndpoint

    user = factory.SubFactory(UserFactory)
    url = "https://93.184.215.14/hooks"
    events = factory.LazyFunction(list)
    secret = factory.LazyFunction(new_secret)
