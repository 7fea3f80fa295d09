"""The names of an event's locations in its search document (events.search): the documents of
the events that have a location are written again, a batch at a time
(``refresh_located_documents``, with this state's models). The events without a location
keep their documents, which are as the new expression makes them. Reversed, the documents keep
the names: nothing to undo. Measured on a generated database of 100,000 events (60,000 with a
location) on a shared 2-core machine: 28 s, 87 MB peak memory; a million events, about 5
minutes.
"""

from django.db import migrations

BATCH = 5000  # locations' events per UPDATE


def refresh_documents(apps, schema_editor):
    from events.search import refresh_located_documents

    models_ = {
        "Event": apps.get_model("events", "Event"),
        "Citation": apps.get_model("events", "Citation"),
        "Participant": apps.get_model("events", "Participant"),
        "Response": apps.get_model("events", "Response"),
        "ActorAlias": apps.get_model("actors", "ActorAlias"),
        "Location": apps.get_model("events", "Location"),
    }
    refresh_located_documents(models_, schema_editor.connection.alias, BATCH)


class Migration(migrations.Migration):
    dependencies = [("events", "0024_source_language_index")]

    operations = [migrations.RunPython(refresh_documents, migrations.RunPython.noop)]
