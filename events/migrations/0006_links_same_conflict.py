"""Every link between records stays within one conflict, enforced by PostgreSQL.

An accusation's proposal, a meeting's produced and discussed proposals, and a proposal's
extends, counters and replaces must be in the conflict of the record that links them (a
response's proposal already is, migration 0002). A link row is checked when it is written; a
change of an event's conflict is checked at commit, so that records can move together. The
models check the same first and name the field; the triggers are the guarantee.
"""

from django.db import migrations

LINK_TRIGGERS = [
    # (table, trigger name, the linking record's column, the proposal's column)
    ("events_violationaccusation", "accusation_proposal", "event_ptr_id", "proposal_id"),
    ("events_proposal", "proposal_extends", "event_ptr_id", "extends_id"),
    ("events_proposal", "proposal_counters", "event_ptr_id", "counters_id"),
    ("events_proposal", "proposal_replaces", "event_ptr_id", "replaces_id"),
    ("events_meeting_produced", "meeting_produced", "meeting_id", "proposal_id"),
    ("events_meeting_discussed", "meeting_discussed", "meeting_id", "proposal_id"),
]

FORWARD = """
CREATE FUNCTION events_link_same_conflict() RETURNS trigger AS $$
DECLARE
    from_id bigint := (to_jsonb(NEW) ->> TG_ARGV[0])::bigint;
    to_id bigint := (to_jsonb(NEW) ->> TG_ARGV[1])::bigint;
BEGIN
    IF to_id IS NOT NULL
       AND (SELECT conflict_id FROM events_event WHERE id = from_id)
           IS DISTINCT FROM (SELECT conflict_id FROM events_event WHERE id = to_id) THEN
        RAISE EXCEPTION '%_same_conflict: a record and the proposals it links to are in one conflict',
            TG_ARGV[2] USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION events_event_links_same_conflict() RETURNS trigger AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM (
            SELECT event_ptr_id AS a, proposal_id AS b FROM events_violationaccusation
                WHERE event_ptr_id = NEW.id OR proposal_id = NEW.id
            UNION ALL SELECT event_ptr_id, extends_id FROM events_proposal
                WHERE event_ptr_id = NEW.id OR extends_id = NEW.id
            UNION ALL SELECT event_ptr_id, counters_id FROM events_proposal
                WHERE event_ptr_id = NEW.id OR counters_id = NEW.id
            UNION ALL SELECT event_ptr_id, replaces_id FROM events_proposal
                WHERE event_ptr_id = NEW.id OR replaces_id = NEW.id
            UNION ALL SELECT meeting_id, proposal_id FROM events_meeting_produced
                WHERE meeting_id = NEW.id OR proposal_id = NEW.id
            UNION ALL SELECT meeting_id, proposal_id FROM events_meeting_discussed
                WHERE meeting_id = NEW.id OR proposal_id = NEW.id
        ) link
        JOIN events_event ea ON ea.id = link.a
        JOIN events_event eb ON eb.id = link.b
        WHERE ea.conflict_id <> eb.conflict_id
    ) THEN
        RAISE EXCEPTION 'event_links_same_conflict: a record and the proposals it links to are in one conflict'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

-- Checked at commit: an event's row is written before its kind's, so records moving to
-- another conflict together are consistent only once all their rows are written.
CREATE CONSTRAINT TRIGGER events_event_links_same_conflict
    AFTER UPDATE OF conflict_id ON events_event
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (OLD.conflict_id IS DISTINCT FROM NEW.conflict_id)
    EXECUTE FUNCTION events_event_links_same_conflict();
"""

LINK_TRIGGER = """
CREATE CONSTRAINT TRIGGER events_{name}_same_conflict
    AFTER INSERT OR UPDATE OF {from_column}, {to_column} ON {table}
    FOR EACH ROW EXECUTE FUNCTION events_link_same_conflict('{from_column}', '{to_column}', '{name}');
"""

REVERSE = """
DROP TRIGGER IF EXISTS events_event_links_same_conflict ON events_event;
DROP FUNCTION IF EXISTS events_event_links_same_conflict();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FORWARD, params=None)
    for table, name, from_column, to_column in LINK_TRIGGERS:
        schema_editor.execute(
            LINK_TRIGGER.format(
                table=table, name=name, from_column=from_column, to_column=to_column
            )
        )


def reverse(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, name, _, _ in LINK_TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS events_{name}_same_conflict ON {table};")
    schema_editor.execute(REVERSE)
    schema_editor.execute("DROP FUNCTION IF EXISTS events_link_same_conflict();")


class Migration(migrations.Migration):
    dependencies = [("events", "0005_normalize_urls_and_quotes")]

    operations = [migrations.RunPython(forward, reverse)]
