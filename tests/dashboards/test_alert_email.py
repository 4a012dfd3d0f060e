"""Alert emails, sent through a real SMTP server on 127.0.0.1: immediate, digest and off
modes, both parts, the user's language, links and sources, and retries after a failed send."""

# ruff: noqa: RUF001 (the Chinese strings use full-width punctuation)

import datetime as dt
import logging
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.test import override_settings

from dashboards.alert_email import send_digests, send_immediate
from dashboards.alert_matching import alerts_match
from dashboards.alert_tasks import match_alerts_task
from dashboards.models import Alert, Follower
from tests.factories import (
    FollowerFactory,
    FundingRoundFactory,
    SourceFactory,
    StartupFactory,
    UserFactory,
    ValuationMarkFactory,
)
from tests.mail_server import LocalSmtpServer, free_port, subject, text_and_html

from .following import follows

# The tests commit, as the application does: on PostgreSQL a change shows in the feed the
# matcher reads only once its transaction has ended (startups.change_feed).
pytestmark = pytest.mark.django_db(transaction=True)
SITE = "https://tracker.example.org"
SOURCE = "https://news.example.com/zhipu-series-b"
ZHIPU = {"slug": "zhipu", "name_en": "Zhipu AI", "name_zh": "智谱"}


@pytest.fixture
def smtp() -> Iterator[LocalSmtpServer]:
    server = LocalSmtpServer()
    server.start()
    with override_settings(
        **server.settings(), SITE_URL=SITE, DEFAULT_FROM_EMAIL="Tracker <alerts@example.org>"
    ):
        yield server
    server.stop()


def follower(username: str, *, email_mode: str = "immediate", language: str = "en", **user):
    person = UserFactory(username=username, **user)
    FollowerFactory(user=person, email_mode=email_mode, language=language)
    return person


def zhipu_raises(**fields):
    """A round of Zhipu's, with its source."""
    startup = StartupFactory(**ZHIPU)
    round_ = FundingRoundFactory(
        startup=startup,
        round_label="Series B",
        announced_on=dt.date(2024, 6, 1),
        date_precision="month",
        amount=Decimal("800000000"),
        amount_currency="CNY",
        amount_qualifier="at_least",
        **fields,
    )
    round_.sources.add(SourceFactory(url=SOURCE))
    return round_


def test_an_immediate_user_gets_one_email_with_text_html_link_and_source(smtp):
    ann = follower("ann")
    follows(ann, startup=StartupFactory(**ZHIPU))
    zhipu_raises()
    ValuationMarkFactory(startup=ann.watch_items.get().startup, value=Decimal("2e10"))

    raised = match_alerts_task()

    assert raised == 2
    [message] = smtp.messages
    assert smtp.inbox.recipients == [["ann@example.com"]]
    assert subject(message) == "2 new alerts · China AI Unicorn Tracker"
    assert message["From"] == "Tracker <alerts@example.org>"
    text, html = text_and_html(message)
    assert "- Zhipu AI raised ≥ CNY 800M (Series B, 2024-06)\n" in text
    assert f"  {SITE}/startups/zhipu/\n  Source: {SOURCE}\n  You follow Zhipu AI\n" in text
    assert "- Zhipu AI valued at $20.0B (press report, 2024-07-01)" in text
    assert (
        f'<a href="{SITE}/startups/zhipu/">Zhipu AI raised ≥ CNY 800M (Series B, 2024-06)</a>'
        in html
    )
    assert f'<a href="{SOURCE}">{SOURCE}</a>' in html
    assert Alert.objects.filter(emailed_at__isnull=True).count() == 0


def test_a_chinese_reader_gets_the_email_in_chinese_with_chinese_links(smtp):
    li = follower("li", language="zh-hans")
    follows(li, startup=StartupFactory(**ZHIPU))
    zhipu_raises()

    match_alerts_task()

    [message] = smtp.messages
    assert subject(message) == "1 条新提醒 · 中国 AI 独角兽追踪"
    text, html = text_and_html(message)
    assert "- 智谱 融资 ≥ 8亿元（Series B，2024-06）\n" in text
    assert f"  {SITE}/zh-hans/startups/zhipu/\n  来源：{SOURCE}\n  您关注了 智谱\n" in text
    assert f'<a href="{SITE}/zh-hans/startups/zhipu/">' in html
    assert '<html lang="zh-hans">' in html


def test_digest_users_get_one_daily_email_and_off_users_none(smtp):
    dee, off = follower("dee", email_mode="digest"), follower("off", email_mode="off")
    startup = StartupFactory(**ZHIPU)
    follows(dee, startup=startup)
    follows(off, startup=startup)
    zhipu_raises()
    FundingRoundFactory(startup=startup, round_label="Series C")

    match_alerts_task()
    assert smtp.messages == []

    assert send_digests() == 1
    assert send_digests() == 0
    [message] = smtp.messages
    assert subject(message) == "Your daily alerts: 2 · China AI Unicorn Tracker"
    text, _ = text_and_html(message)
    assert text.count("\n- Zhipu AI raised") == 2
    assert Follower.objects.get(user=dee).last_digest_at is not None
    assert Alert.objects.filter(user=off, emailed_at__isnull=True).count() == 2


def test_a_user_without_an_email_address_is_skipped_and_logged(smtp, caplog):
    nobody = follower("nobody", email="")
    follows(nobody, startup=StartupFactory(**ZHIPU))
    zhipu_raises()

    with caplog.at_level(logging.INFO, logger="dashboards.alert_email"):
        match_alerts_task()

    assert smtp.messages == []
    assert "alerts for nobody not emailed: the user has no email address" in caplog.text


def test_a_failed_send_is_retried_by_the_next_run_and_never_sent_twice(caplog):
    ann, bob = follower("ann"), follower("bob")
    startup = StartupFactory(**ZHIPU)
    follows(ann, startup=startup)
    follows(bob, startup=startup)
    zhipu_raises()
    server = LocalSmtpServer(free_port())
    with override_settings(**server.settings(), SITE_URL=SITE):
        alerts_match()
        assert send_immediate() == 0  # nothing listens on the port yet
        assert Alert.objects.filter(emailed_at__isnull=True).count() == 2
        assert "next run retries" in caplog.text

        server.start()
        try:
            sent_when_up = send_immediate()
            sent_again = send_immediate()
        finally:
            server.stop()

    assert (sent_when_up, sent_again) == (2, 0)
    assert sorted(server.inbox.recipients) == [["ann@example.com"], ["bob@example.com"]]
