"""Sources and tags named by URL or slug: found, or created once, even by two writes at once."""

import threading

import pytest
from django.db import connection, connections, transaction

from startups.models import Source, Tag
from startups.services import sources_for_urls, tags_for_slugs
from tests.servers import wait_for

BREAKING = "https://news.example.com/breaking"
OTHER = "https://news.example.com/other"
WAIT_SECONDS = 10


@pytest.mark.django_db
def test_known_urls_are_found_and_new_ones_created_once_with_history():
    known = Source.objects.create(url=OTHER)

    sources = sources_for_urls([f" {BREAKING} ", OTHER, BREAKING, ""])

    assert [s.url for s in sources] == [BREAKING, OTHER]
    assert sources[1].pk == known.pk
    assert Source.objects.count() == 2
    assert Source.history.filter(url=BREAKING, history_type="+").count() == 1


@pytest.mark.django_db
def test_tags_come_back_in_the_order_asked_for():
    Tag.objects.create(slug="robotics")

    tags = tags_for_slugs(["little-ai-dragons", "robotics", "little-ai-dragons"])

    assert [t.slug for t in tags] == ["little-ai-dragons", "robotics"]
    assert Tag.objects.count() == 2


def waiting_on_a_lock() -> bool:
    """Whether another session of this database waits for a row lock (our uncommitted row)."""
    with connection.cursor() as cursor:
        # Statistics are read once per transaction unless the snapshot is dropped.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_writes_citing_the_same_new_url_at_once_both_get_the_one_source():
    # Given a write that has created BREAKING and not yet committed,
    second_write: dict[str, object] = {}

    def cite_it_too() -> None:
        try:
            with transaction.atomic():
                second_write["sources"] = sources_for_urls([BREAKING, OTHER])
        except Exception as error:  # reported by the assertion below
            second_write["error"] = error
        finally:
            connections.close_all()

    with transaction.atomic():
        [first] = sources_for_urls([BREAKING])
        # when a second write cites it too, it waits for the first to commit,
        racer = threading.Thread(target=cite_it_too)
        racer.start()
        assert wait_for(waiting_on_a_lock, WAIT_SECONDS), "the second write never waited"
    racer.join(WAIT_SECONDS)

    # then both succeed: the second reads the first one's source and creates its other one.
    assert "error" not in second_write, second_write.get("error")
    breaking, other = second_write["sources"]
    assert (breaking.pk, breaking.url, other.url) == (first.pk, BREAKING, OTHER)
    assert Source.objects.count() == 2
    assert Source.history.filter(url=BREAKING, history_type="+").count() == 1
    assert Source.history.filter(url=OTHER, history_type="+").count() == 1
