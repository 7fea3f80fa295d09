"""PostgreSQL refuses, like the models' clean(), an actor name that is another actor's alias,
an alias that is another actor's name, and a slug that still leads to another actor — also
for writes that skip the forms and serializers (shell, bulk updates, concurrent requests).

The look-ups use the unique indexes on lower(name) and on the previous slug. SQLite, the
embedded development database, relies on clean() alone.
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION actors_actor_unambiguous() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM actors_actoralias
        WHERE lower(name) = lower(NEW.name) AND actor_id <> NEW.id
    ) THEN
        RAISE EXCEPTION 'The actor name "%" is the alias of another actor.', NEW.name
            USING ERRCODE = 'check_violation', CONSTRAINT = 'actor_name_not_alias';
    END IF;
    IF EXISTS (
        SELECT 1 FROM actors_actorpreviousslug
        WHERE slug = NEW.slug AND actor_id <> NEW.id
    ) THEN
        RAISE EXCEPTION 'The slug "%" still leads to another actor.', NEW.slug
            USING ERRCODE = 'check_violation', CONSTRAINT = 'actor_slug_not_previous';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER actor_unambiguous
    BEFORE INSERT OR UPDATE OF name, slug ON actors_actor
    FOR EACH ROW EXECUTE FUNCTION actors_actor_unambiguous();

CREATE FUNCTION actors_alias_unambiguous() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM actors_actor
        WHERE lower(name) = lower(NEW.name) AND id <> NEW.actor_id
    ) THEN
        RAISE EXCEPTION 'The alias "%" is the name of another actor.', NEW.name
            USING ERRCODE = 'check_violation', CONSTRAINT = 'alias_not_actor_name';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER alias_unambiguous
    BEFORE INSERT OR UPDATE OF name, actor_id ON actors_actoralias
    FOR EACH ROW EXECUTE FUNCTION actors_alias_unambiguous();

CREATE FUNCTION actors_previous_slug_unambiguous() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM actors_actor WHERE slug = NEW.slug AND id <> NEW.actor_id) THEN
        RAISE EXCEPTION 'The old slug "%" is the slug of another actor.', NEW.slug
            USING ERRCODE = 'check_violation', CONSTRAINT = 'previous_slug_not_current';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER previous_slug_unambiguous
    BEFORE INSERT OR UPDATE OF slug, actor_id ON actors_actorpreviousslug
    FOR EACH ROW EXECUTE FUNCTION actors_previous_slug_unambiguous();
"""

DROP = """
DROP TRIGGER IF EXISTS previous_slug_unambiguous ON actors_actorpreviousslug;
DROP FUNCTION IF EXISTS actors_previous_slug_unambiguous();
DROP TRIGGER IF EXISTS alias_unambiguous ON actors_actoralias;
DROP FUNCTION IF EXISTS actors_alias_unambiguous();
DROP TRIGGER IF EXISTS actor_unambiguous ON actors_actor;
DROP FUNCTION IF EXISTS actors_actor_unambiguous();
"""


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            # No parameters: the "%" of RAISE are PL/pgSQL's, not the driver's.
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("actors", "0002_unambiguous_names_previous_slugs")]

    operations = [migrations.RunPython(on_postgresql(CREATE), on_postgresql(DROP))]
