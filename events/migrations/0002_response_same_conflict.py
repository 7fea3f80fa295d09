"""A response's proposal is in the same conflict as the response.

The two conflicts live in different rows of events_event, so a CHECK constraint cannot express
the rule; triggers enforce it. Forms and the API check it first and name the field; the trigger
is the guarantee. On PostgreSQL a change of an event's conflict is checked at commit, so that a
response can move together with its new proposal. SQLite has no deferred triggers: there a
proposal's move is checked at once, and a response's when its own row is written (the ORM
always writes both rows of a response).
"""

from django.db import migrations

MESSAGE = "response_proposal_same_conflict: the proposal of a response must be in the same conflict"

_POSTGRESQL_CHECK = """
CREATE FUNCTION {name}() RETURNS trigger AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM events_response r
        JOIN events_event re ON re.id = r.event_ptr_id
        JOIN events_event pe ON pe.id = r.proposal_id
        WHERE re.conflict_id <> pe.conflict_id AND ({rows})
    ) THEN
        RAISE EXCEPTION '{message}' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

POSTGRESQL_FORWARD = (
    _POSTGRESQL_CHECK.format(
        name="events_response_same_conflict",
        rows="r.event_ptr_id = NEW.event_ptr_id",
        message=MESSAGE,
    )
    + _POSTGRESQL_CHECK.format(
        name="events_event_response_same_conflict",
        rows="r.event_ptr_id = NEW.id OR r.proposal_id = NEW.id",
        message=MESSAGE,
    )
    + """
CREATE CONSTRAINT TRIGGER events_response_same_conflict
    AFTER INSERT OR UPDATE OF proposal_id ON events_response
    FOR EACH ROW EXECUTE FUNCTION events_response_same_conflict();

-- Deferred to the end of the transaction: saving a response writes its events_event row
-- before its events_response row, so a response moved together with a new proposal is only
-- consistent once both rows are written.
CREATE CONSTRAINT TRIGGER events_event_response_same_conflict
    AFTER UPDATE OF conflict_id ON events_event
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (OLD.conflict_id IS DISTINCT FROM NEW.conflict_id)
    EXECUTE FUNCTION events_event_response_same_conflict();
"""
)

POSTGRESQL_REVERSE = """
DROP TRIGGER IF EXISTS events_event_response_same_conflict ON events_event;
DROP TRIGGER IF EXISTS events_response_same_conflict ON events_response;
DROP FUNCTION IF EXISTS events_response_same_conflict();
DROP FUNCTION IF EXISTS events_event_response_same_conflict();
"""

_SQLITE_RESPONSE_CHECK = """
WHEN (SELECT conflict_id FROM events_event WHERE id = NEW.event_ptr_id)
     IS NOT (SELECT conflict_id FROM events_event WHERE id = NEW.proposal_id)
BEGIN SELECT RAISE(ABORT, '{message}'); END;
"""

SQLITE_FORWARD = [
    "CREATE TRIGGER events_response_same_conflict_insert AFTER INSERT ON events_response"
    + _SQLITE_RESPONSE_CHECK.format(message=MESSAGE),
    "CREATE TRIGGER events_response_same_conflict_update AFTER UPDATE OF proposal_id"
    " ON events_response" + _SQLITE_RESPONSE_CHECK.format(message=MESSAGE),
    f"""CREATE TRIGGER events_event_response_same_conflict AFTER UPDATE OF conflict_id
    ON events_event
    WHEN OLD.conflict_id IS NOT NEW.conflict_id AND EXISTS (
        SELECT 1 FROM events_response r
        JOIN events_event re ON re.id = r.event_ptr_id
        JOIN events_event pe ON pe.id = r.proposal_id
        WHERE re.conflict_id <> pe.conflict_id AND r.proposal_id = NEW.id
    )
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
]

SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS events_response_same_conflict_insert",
    "DROP TRIGGER IF EXISTS events_response_same_conflict_update",
    "DROP TRIGGER IF EXISTS events_event_response_same_conflict",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_FORWARD)
    elif vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)


def reverse(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_REVERSE)
    elif vendor == "sqlite":
        for statement in SQLITE_REVERSE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]

    operations = [migrations.RunPython(forward, reverse)]
