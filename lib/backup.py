"""Every record as JSON Lines and back (``manage.py export`` and ``manage.py import``).

The file's first line is a header (the format, the migrations the data was written under and
each table's last id); every other line is one row of one table, ``{"model": "events.proposal",
"pk": 7, "fields": {...}}``, with the columns of that table only: an event of a kind is an
``events.event`` line and an ``events.proposal`` line with the same pk, a meeting's produced
proposals are ``events.meeting_produced`` lines, each history table's rows are lines of
their own (history ids included). Foreign keys are ids, except to the rows that migrations
make (groups, permissions, content types), which are written by natural key because their ids
may differ between two databases.

Tables are written parents first (an event before its proposal, an actor before its aliases),
the order the import inserts them in, so that the triggers of the migrations, which check rows
as they are inserted, find what they look up. The export reads one snapshot (a repeatable-read
transaction on PostgreSQL) through server-side cursors, a chunk at a time: memory stays
constant whatever the size. The import writes everything in one transaction, with the ids of
the file, checks every foreign key, and sets each id sequence where the exported database's
was (or past the largest imported id).
"""

import datetime
import json
from collections.abc import Callable
from typing import TextIO

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models.fields import AutoFieldMixin

from lib.dataversion import data_changed

FORMAT = "ceasefire-tracker-export/1"

# The apps whose rows are exported (not sessions, which a restore does not need), and the
# models of theirs that are not: rows made by migrations.
EXPORTED_APPS = ("auth", "authtoken", "admin", "actors", "events")
NOT_EXPORTED = {"auth.group", "auth.group_permissions", "auth.permission"}

# Foreign keys to these are written as natural keys (their ids depend on the database).
BY_NATURAL_KEY = (Group, Permission, ContentType)

# Where progress messages go (stderr in the commands), or None.
Progress = Callable[[str], None] | None


class BackupError(Exception):
    """A file that cannot be imported, or a database that cannot take it; the message names
    the line and the field."""


def exported_models() -> list[type[models.Model]]:
    """The exported models, each after the models its foreign keys point to."""
    candidates = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in EXPORTED_APPS
        and not model._meta.proxy
        and model._meta.managed
        and model._meta.label_lower not in NOT_EXPORTED
    ]
    remaining = list(candidates)
    ordered: list[type[models.Model]] = []
    while remaining:
        for model in remaining:
            parents = {
                field.related_model._meta.concrete_model
                for field in model._meta.local_concrete_fields
                if field.is_relation
            }
            if not any(p in remaining and p is not model for p in parents):
                ordered.append(model)
                remaining.remove(model)
                break
        else:  # a cycle of foreign keys: the rest in their order (the keys are deferred)
            ordered.extend(remaining)
            break
    return ordered


def _columns(model) -> list[models.Field]:
    """The columns of the model's own table (not its parent's), pk first; generated columns
    are computed by the database."""
    fields = [
        field
        for field in model._meta.local_concrete_fields
        if not getattr(field, "generated", False)
    ]
    pk = model._meta.pk
    return [pk] + [field for field in fields if field is not pk]


def _natural_keys(model, using: str = DEFAULT_DB_ALIAS) -> dict[int, list]:
    rows = model._base_manager.using(using).select_related()
    return {obj.pk: list(obj.natural_key()) for obj in rows}


def _json_value(value):
    if isinstance(value, datetime.date | datetime.datetime | datetime.time):
        return value.isoformat()
    return value


def _has_sequence(model) -> bool:
    return isinstance(model._meta.pk, AutoFieldMixin)


def _sequence_values(connection) -> dict[str, int]:
    """The last id each table's sequence gave (deleted rows' ids included)."""
    values = {}
    with connection.cursor() as cursor:
        for model in exported_models():
            if not _has_sequence(model):
                continue
            table, column = model._meta.db_table, model._meta.pk.column
            if connection.vendor == "postgresql":
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
                sequence = cursor.fetchone()[0]
                if sequence is None:
                    continue
                # The name comes from PostgreSQL itself, quoted where it needs to be.
                cursor.execute(f"SELECT last_value, is_called FROM {sequence}")
                last_value, is_called = cursor.fetchone()
                value = last_value if is_called else last_value - 1
            elif connection.vendor == "sqlite":
                cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
                row = cursor.fetchone()
                value = row[0] if row else 0
            else:
                continue
            if value > 0:
                values[model._meta.label_lower] = value
    return values


def _set_sequence(connection, model, value: int) -> None:
    """The table's next id is ``value`` + 1."""
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, %s), %s)", [table, column, value]
            )
        elif connection.vendor == "sqlite":
            cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
            cursor.execute(
                "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, value]
            )
        else:
            raise BackupError(f"id sequences of {connection.vendor} are not supported")


def _applied_migrations(using: str) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connections[using]).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def table_counts(using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Rows per exported model, in the export's order."""
    return {
        model._meta.label_lower: model._base_manager.using(using).count()
        for model in exported_models()
    }


def export_records(
    out: TextIO, *, using: str = DEFAULT_DB_ALIAS, chunk_size: int = 2000, progress: Progress = None
) -> dict[str, int]:
    """Write the header and every row to ``out``; returns rows written per model."""
    connection = connections[using]
    counts: dict[str, int] = {}
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # One snapshot for every table: rows written meanwhile are all in or all out.
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        natural = {model: _natural_keys(model, using) for model in BY_NATURAL_KEY}
        header = {
            "format": FORMAT,
            "migrations": _applied_migrations(using),
            "sequences": _sequence_values(connection),
        }
        out.write(json.dumps(header, sort_keys=True) + "\n")
        for model in exported_models():
            label = model._meta.label_lower
            columns = _columns(model)
            queryset = (
                model._base_manager.using(using)
                .order_by("pk")
                .values_list(*[field.attname for field in columns])
            )
            lookups = [
                natural.get(field.related_model) if field.is_relation else None for field in columns
            ]
            written = 0
            for row in queryset.iterator(chunk_size=chunk_size):
                fields = {}
                for field, lookup, value in zip(columns[1:], lookups[1:], row[1:], strict=True):
                    if lookup is not None and value is not None:
                        value = lookup[value]
                    fields[field.name] = _json_value(value)
                line = {"model": label, "pk": row[0], "fields": fields}
                out.write(json.dumps(line, ensure_ascii=False) + "\n")
                written += 1
                if progress and written % 100_000 == 0:
                    progress(f"{label}: {written:,} rows…")
            counts[label] = written
            if progress and written:
                progress(f"{label}: {written:,} rows")
    return counts


class _Table:
    """What the import needs to know of one model's table."""

    def __init__(self, model, connection):
        self.model = model
        self.label = model._meta.label_lower
        self.columns = _columns(model)
        self.by_name = {field.name: field for field in self.columns[1:]}
        self.natural = {
            field.name: field.related_model
            for field in self.columns
            if field.is_relation and field.related_model in BY_NATURAL_KEY
        }
        quote = connection.ops.quote_name
        names = ", ".join(quote(field.column) for field in self.columns)
        marks = ", ".join(["%s"] * len(self.columns))
        self.insert = f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES ({marks})"


class _Importer:
    def __init__(self, path: str, using: str, chunk_size: int, progress: Progress):
        self.path = path
        self.using = using
        self.connection = connections[using]
        self.chunk_size = chunk_size
        self.progress = progress
        self.tables = {
            model._meta.label_lower: _Table(model, self.connection) for model in exported_models()
        }
        self.natural_ids = {
            model: {tuple(key): pk for pk, key in _natural_keys(model, using).items()}
            for model in BY_NATURAL_KEY
        }
        self.counts: dict[str, int] = {}
        self.sequences: dict[str, int] = {}
        self.migrations: dict[str, list[str]] = {}

    def fail(self, number: int, message: str):
        raise BackupError(f"line {number}: {message}")

    def check_header(self, number: int, text: str) -> None:
        try:
            header = json.loads(text)
        except ValueError:
            header = None
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            self.fail(
                number,
                f'not an export of this application (a header with "format": '
                f'"{FORMAT}" is expected first)',
            )
        self.migrations = header.get("migrations") or {}
        applied = _applied_migrations(self.using)
        missing = [
            f"{app}.{name}"
            for app, names in sorted((header.get("migrations") or {}).items())
            if app in EXPORTED_APPS
            for name in names
            if name not in applied.get(app, [])
        ]
        if missing:
            self.fail(
                number,
                "the export was written under migrations this database has not "
                f"applied ({', '.join(missing)}): run manage.py migrate first",
            )
        sequences = header.get("sequences") or {}
        if not isinstance(sequences, dict) or not all(
            isinstance(value, int) and not isinstance(value, bool) for value in sequences.values()
        ):
            self.fail(number, 'header field "sequences": expected {"app.model": last id, …}')
        self.sequences = sequences

    def row(self, number: int, text: str) -> tuple[_Table, list]:
        try:
            line = json.loads(text)
        except ValueError as error:
            self.fail(number, f"not JSON ({error})")
        if not isinstance(line, dict) or not isinstance(line.get("fields"), dict):
            self.fail(number, 'expected {"model": …, "pk": …, "fields": {…}}')
        table = self.tables.get(line.get("model"))
        if table is None:
            self.fail(number, f"unknown model {line.get('model')!r}")
        fields = line["fields"]
        unknown = sorted(set(fields) - set(table.by_name))
        if unknown:
            self.fail(number, f'{table.label} has no field "{unknown[0]}"')
        values = [self.value(number, table, table.columns[0], line.get("pk"), present=True)]
        for name, field in table.by_name.items():
            values.append(
                self.value(number, table, field, fields.get(name), present=name in fields)
            )
        return table, values

    def value(self, number: int, table: _Table, field, raw, *, present: bool):
        name = "pk" if field is table.columns[0] else field.name
        if not present:
            if field.has_default() or field.null:
                return field.get_db_prep_save(field.get_default(), self.connection)
            self.fail(number, f'{table.label} field "{name}" is missing')
        if raw is None:
            if field.null:
                return None
            self.fail(number, f'{table.label} field "{name}" may not be null')
        if name in table.natural:
            related = table.natural[name]
            key = tuple(raw) if isinstance(raw, list) else (raw,)
            pk = self.natural_ids[related].get(key)
            if pk is None:
                self.fail(
                    number,
                    f'{table.label} field "{name}": no {related._meta.label_lower} '
                    f"{list(key)} in this database",
                )
            return pk
        target = field.target_field if field.is_relation else field
        if isinstance(raw, dict | list) and not isinstance(target, models.JSONField):
            self.fail(number, f'{table.label} field "{name}": {raw!r} is not a single value')
        try:
            value = target.to_python(raw)
        except ValidationError as error:
            self.fail(number, f'{table.label} field "{name}": {" ".join(error.messages)}')
        if isinstance(target, models.IntegerField) and not (-(2**63) <= value < 2**63):
            self.fail(number, f'{table.label} field "{name}": {raw!r} is out of range')
        max_length = getattr(target, "max_length", None)
        if isinstance(value, str) and max_length and len(value) > max_length:
            self.fail(number, f'{table.label} field "{name}": longer than {max_length} characters')
        return target.get_db_prep_save(value, self.connection)

    def flush(self, table: _Table | None, batch: list[tuple[int, list]]) -> None:
        """Insert a batch of one table's rows; on a database error, find the row that caused
        it, one row at a time, and name its line."""
        if not batch:
            return
        try:
            with transaction.atomic(using=self.using), self.connection.cursor() as cursor:
                cursor.executemany(table.insert, [values for _, values in batch])
        except DatabaseError:
            for number, values in batch:
                try:
                    with transaction.atomic(using=self.using), self.connection.cursor() as cursor:
                        cursor.execute(table.insert, values)
                except DatabaseError as error:
                    self.fail(number, f"{table.label}: {_first_line(error)}")
        done = self.counts.get(table.label, 0)
        self.counts[table.label] = done + len(batch)
        if self.progress and (done + len(batch)) // 100_000 > done // 100_000:
            self.progress(f"{table.label}: {done + len(batch):,} rows…")
        batch.clear()

    def load(self) -> None:
        table = None
        batch: list[tuple[int, list]] = []
        header = False
        with open(self.path, encoding="utf-8") as lines:
            for number, text in enumerate(lines, start=1):
                if number == 1:
                    self.check_header(number, text)
                    header = True
                    continue
                if not text.strip():
                    continue
                row_table, values = self.row(number, text)
                if row_table is not table or len(batch) >= self.chunk_size:
                    self.flush(table, batch)
                    if row_table is not table and table is not None and self.progress:
                        self.progress(f"{table.label}: {self.counts.get(table.label, 0):,} rows")
                    table = row_table
                batch.append((number, values))
        if not header:
            raise BackupError(f"{self.path} is empty: an export starts with its header line")
        if table is None:
            return
        self.flush(table, batch)
        if self.progress:
            self.progress(f"{table.label}: {self.counts.get(table.label, 0):,} rows")

    def check_foreign_keys(self) -> None:
        """Every foreign key of the imported rows points to a row, else the first line whose
        key points nowhere is named (PostgreSQL defers these checks to the commit, SQLite
        checks them at the commit too)."""
        quote = self.connection.ops.quote_name
        for table in self.tables.values():
            model = table.model
            for field in table.columns:
                if not field.is_relation or not field.db_constraint:
                    continue
                target = field.related_model._meta
                sql = (
                    f"SELECT t.{quote(model._meta.pk.column)}, t.{quote(field.column)} "
                    f"FROM {quote(model._meta.db_table)} t WHERE t.{quote(field.column)} "
                    f"IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {quote(target.db_table)} r "
                    f"WHERE r.{quote(field.target_field.column)} = t.{quote(field.column)})"
                )
                with self.connection.cursor() as cursor:
                    cursor.execute(sql + " LIMIT 1")
                    broken = cursor.fetchone()
                if broken:
                    pk, value = broken
                    name = "pk" if field is table.columns[0] else field.name
                    self.fail(
                        self.line_of(table.label, pk),
                        f'{table.label} field "{name}": no {target.label_lower} with id {value}',
                    )
        # The deferred triggers and constraints, now rather than at the commit.
        try:
            self.connection.check_constraints()
        except DatabaseError as error:
            raise BackupError(f"after the last line: {_first_line(error)}") from error

    def line_of(self, label: str, pk) -> int:
        with open(self.path, encoding="utf-8") as lines:
            for number, text in enumerate(lines, start=1):
                if f'"{label}"' in text and number > 1:
                    line = json.loads(text)
                    if line.get("model") == label and str(line.get("pk")) == str(pk):
                        return number
        return 0

    def reset_sequences(self) -> None:
        """Each id sequence where the exported database's was (so that the ids of deleted
        records, which their history keeps, are not given again), or past the largest
        imported id if that is further."""
        quote = self.connection.ops.quote_name
        for table in self.tables.values():
            model = table.model
            if not _has_sequence(model):
                continue
            with self.connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT MAX({quote(model._meta.pk.column)}) FROM {quote(model._meta.db_table)}"
                )
                largest = cursor.fetchone()[0] or 0
            value = max(largest, self.sequences.get(table.label, 0))
            if value:
                _set_sequence(self.connection, model, value)


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def delete_records(using: str = DEFAULT_DB_ALIAS) -> None:
    """Empty every exported table, children first, in the caller's transaction (no signals,
    no history: the import that follows brings its own)."""
    connection = connections[using]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in reversed(exported_models()):
            cursor.execute(f"DELETE FROM {quote(model._meta.db_table)}")


def import_records(
    path: str,
    *,
    using: str = DEFAULT_DB_ALIAS,
    replace: bool = False,
    chunk_size: int = 1000,
    progress: Progress = None,
    after_load: Callable[[dict[str, list[str]], str], None] | None = None,
) -> dict[str, int]:
    """Insert every row of the export at ``path`` in one transaction, with its ids; returns
    rows inserted per model. Refuses a database that holds records unless ``replace``.
    ``after_load(migrations of the export, using)`` runs in the transaction once every row is
    in: what the data migrations the export predates would have rewritten."""
    with transaction.atomic(using=using):
        if replace:
            delete_records(using)
        else:
            held = {label: n for label, n in table_counts(using).items() if n}
            if held:
                listed = ", ".join(f"{label} ({n:,})" for label, n in list(held.items())[:4])
                if len(held) > 4:
                    listed += f" and {len(held) - 4} more tables"
                raise BackupError(
                    f"the database already holds records: {listed}. Import into a freshly "
                    "migrated database, or pass --replace to delete them first."
                )
        importer = _Importer(path, using, chunk_size, progress)
        importer.load()
        importer.check_foreign_keys()
        importer.reset_sequences()
        if after_load is not None:
            after_load(importer.migrations, using)
        data_changed(using)
    return importer.counts
