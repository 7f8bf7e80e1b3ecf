"""The read replica: reports read from it, everything else uses the primary.

The reports (the enforcement statistics, the paid totals) are the long grouped reads over a
county's or a city's years; sending them to a streaming replica (``CASEWORK_REPLICA_URL``)
keeps them off the primary that takes every signature. They name their database explicitly
with :func:`reporting_database`, so no other read can land on a replica that lags a little
behind: a step that has just been signed is always read back from the primary.
"""

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"


def reporting_database() -> str:
    """The alias the reports read from: the replica when one is configured, else default."""
    return REPLICA if REPLICA in connections.settings else DEFAULT_DB_ALIAS


class PrimaryReplicaRouter:
    """Writes and migrations on the primary only; rows read from either may be related.

    Reads are left to the default (the primary) unless a query names the replica.
    """

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary.
        return {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA}

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
