#!/usr/bin/env bash
# The `db-replica` service of the compose `scale` profile: a hot standby of `db`. On its first
# start (an empty volume) it copies the primary with pg_basebackup, which also writes
# standby.signal and the connection to the primary (-R) and creates a replication slot, so the
# primary keeps the WAL this standby has not received yet; then it runs PostgreSQL as a
# read-only standby streaming from the primary. Reads PRIMARY_HOST, PRIMARY_USER, PGPASSWORD
# and REPLICATION_SLOT.
set -euo pipefail

: "${PRIMARY_HOST:=db}" "${PRIMARY_USER:=tracker}" "${REPLICATION_SLOT:=db_replica}"
: "${PGDATA:=/var/lib/postgresql/data}"

if [ ! -s "$PGDATA/PG_VERSION" ]; then
    until pg_isready -q -h "$PRIMARY_HOST" -U "$PRIMARY_USER"; do
        echo "Waiting for the primary at $PRIMARY_HOST..."
        sleep 2
    done
    mkdir -p "$PGDATA"
    chown postgres:postgres "$PGDATA"
    chmod 700 "$PGDATA"
    # The slot survives this volume: a standby made again reuses it instead of failing.
    slot_exists="$(psql -h "$PRIMARY_HOST" -U "$PRIMARY_USER" -d postgres -tAc \
        "SELECT 1 FROM pg_replication_slots WHERE slot_name = '$REPLICATION_SLOT'")"
    create_slot=(--create-slot)
    [ "$slot_exists" = 1 ] && create_slot=()
    echo "Copying the primary at $PRIMARY_HOST into $PGDATA..."
    gosu postgres env PGPASSWORD="$PGPASSWORD" pg_basebackup -h "$PRIMARY_HOST" \
        -U "$PRIMARY_USER" -D "$PGDATA" -R -X stream --slot "$REPLICATION_SLOT" \
        "${create_slot[@]}" --checkpoint=fast
fi

# Read-only queries while replaying; tell the primary what they read so that its vacuum does
# not cancel them.
exec gosu postgres postgres -c hot_standby=on -c hot_standby_feedback=on
