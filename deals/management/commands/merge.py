"""manage.py merge startups|investors B --into A; manage.py merge --undo MERGE_ID."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from deals.merge_admin import URL_KINDS
from deals.merge_relations import MergeRefused
from deals.merge_undo import undo_merge
from deals.merging import record_merge
from startups.models import Merge


class Command(BaseCommand):
    help = (
        "Merge the startup or investor B into A (every row of B repointed to A, B deleted, "
        "its addresses redirecting to A), or undo a merge by its id (docs/identity.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", nargs="?", choices=sorted(URL_KINDS))
        parser.add_argument("merged", nargs="?", metavar="B", help="the slug of the duplicate")
        parser.add_argument("--into", metavar="A", help="the slug of the record that stays")
        parser.add_argument("--undo", type=int, metavar="MERGE_ID", help="undo this merge")
        parser.add_argument("--user", help="the username the history records it under")

    def handle(self, *args, **options):
        user = self._user(options["user"])
        try:
            if options["undo"] is not None:
                merge = Merge.objects.filter(pk=options["undo"]).first()
                if merge is None:
                    raise CommandError(f"No merge #{options['undo']}.")
                undo_merge(merge, user)
                self.stdout.write(f"Undid merge #{merge.pk}: {merge.merged_slug} is back.")
                return
            merge = record_merge(*self._pair(options), user)
        except MergeRefused as refused:
            raise CommandError("\n".join(refused.messages)) from refused
        moved = ", ".join(f"{key}: {len(ids)}" for key, ids in merge.snapshot["moved"].items())
        self.stdout.write(
            f"Merged {merge.merged_slug} into {merge.survivor_slug} (merge #{merge.pk}; "
            f"moved {moved}). Undo: manage.py merge --undo {merge.pk}"
        )

    def _pair(self, options):
        if not (options["kind"] and options["merged"] and options["into"]):
            raise CommandError("Give startups|investors B --into A, or --undo MERGE_ID.")
        model = URL_KINDS[options["kind"]]
        found = {
            r.slug: r for r in model.objects.filter(slug__in=[options["merged"], options["into"]])
        }
        missing = [slug for slug in (options["into"], options["merged"]) if slug not in found]
        if missing:
            raise CommandError(f"No {options['kind'][:-1]} with the slug {', '.join(missing)}.")
        return found[options["into"]], found[options["merged"]]

    def _user(self, username: str | None):
        if username is None:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username}.")
        return user
