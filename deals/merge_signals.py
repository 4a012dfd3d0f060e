"""Signals of merges, for the apps above `deals` that hold rows of their own pointing at
startups and investors (dashboards: watchlist items and their alerts).

Both are sent inside the merge's (or the undo's) transaction, so a receiver's writes commit
or roll back with it. A receiver of `records_merging` returns a JSON-able dict of what it
moved; the dicts are kept in the merge's snapshot and handed back to the receivers of
`merge_undoing` as `moved`.
"""

from django.dispatch import Signal

# kind ("startup" or "investor"), survivor_id, merged_id; sent before the merged record is
# deleted (its rows would be deleted with it).
records_merging = Signal()
# kind, survivor_id, merged_id, moved (what records_merging's receivers returned); sent once
# the merged record exists again.
merge_undoing = Signal()
