"""Inserting many new rows fast: rows written with ``COPY`` on PostgreSQL and ``executemany``
on SQLite, skipping model instances and the ORM's per-value SQL compilation (together ten times
the cost of the insert itself at a million rows). For generated data only: no ``save()``, no
signals, no validation — the caller builds complete, valid rows.

Rows are tuples of attribute values for the named columns; columns left out take their
field's default. Where rows must refer to each other before they are written, the caller takes
primary keys with :meth:`BulkInserter.take_ids` (from the table's current maximum) and
:meth:`BulkInserter.finish` moves PostgreSQL's sequences past them; nothing else may insert
into those tables meanwhile. Tables written without ids number their rows themselves.
"""

import datetime
import io
import json

from django.core.management.color import no_style
from django.db import connection, models

_BASIC = (str, int, float)


class BulkInserter:
    """Writes rows of one model at a time, in the current transaction."""

    def __init__(self, now: datetime.datetime):
        self.now = now
        self.postgres = connection.vendor == "postgresql"
        self.next_ids: dict[type, int] = {}
        self.plans: dict[tuple, tuple] = {}

    def take_ids(self, model, count: int) -> int:
        """Reserve ``count`` primary keys of ``model``; return the first."""
        if model not in self.next_ids:
            last = model.objects.aggregate(last=models.Max("pk"))["last"] or 0
            self.next_ids[model] = last + 1
        first = self.next_ids[model]
        self.next_ids[model] = first + count
        return first

    def insert_rows(self, model, columns: tuple[str, ...], rows) -> int:
        """Write ``rows`` (tuples of values of the ``columns``, attribute names); return how
        many were written."""
        converters, defaults, sql = self._plan(model, columns)
        prepared = [
            [convert(value) for convert, value in zip(converters, row, strict=True)] + defaults
            for row in rows
        ]
        if not prepared:
            return 0
        with connection.cursor() as cursor:
            if self.postgres:
                buffer = io.StringIO()
                buffer.writelines("\t".join(map(_copy_text, row)) + "\n" for row in prepared)
                buffer.seek(0)
                cursor.copy_expert(sql, buffer)
            else:
                cursor.executemany(sql, prepared)
        return len(prepared)

    def insert(self, objects: list[models.Model], *, with_ids: bool = False) -> None:
        """Write unsaved model instances of one model (given primary keys first if
        ``with_ids``, so that other rows can refer to them)."""
        if not objects:
            return
        model = type(objects[0])
        if with_ids:
            first = self.take_ids(model, len(objects))
            for offset, obj in enumerate(objects):
                obj.pk = first + offset
        fields = [
            f
            for f in model._meta.concrete_fields
            if with_ids or not isinstance(f, models.AutoField)
        ]
        for field in fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                for obj in objects:
                    if getattr(obj, field.attname) is None:
                        setattr(obj, field.attname, self.now)
        columns = tuple(f.attname for f in fields)
        self.insert_rows(model, columns, ([getattr(o, c) for c in columns] for o in objects))
        for obj in objects:
            obj._state.adding, obj._state.db = False, connection.alias

    def finish(self) -> None:
        """Move the id sequences of the tables given ids past them (PostgreSQL; SQLite's
        AUTOINCREMENT already counts rows inserted with explicit ids)."""
        statements = connection.ops.sequence_reset_sql(no_style(), sorted(self.next_ids, key=str))
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    def _plan(self, model, columns):
        key = (model, columns)
        if key not in self.plans:
            by_name = {f.attname: f for f in model._meta.concrete_fields}
            unknown = set(columns) - set(by_name)
            if unknown:
                raise ValueError(f"{model.__name__} has no columns {sorted(unknown)}")
            rest = [
                f
                for f in model._meta.concrete_fields
                if f.attname not in columns and not isinstance(f, models.AutoField)
            ]
            defaults = [self._converter(f)(self._default(f)) for f in rest]
            fields = [by_name[c] for c in columns] + rest
            table = connection.ops.quote_name(model._meta.db_table)
            names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
            if self.postgres:
                sql = f"COPY {table} ({names}) FROM STDIN"
            else:
                sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(fields))})"
            self.plans[key] = ([self._converter(by_name[c]) for c in columns], defaults, sql)
        return self.plans[key]

    def _default(self, field):
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            return self.now
        if field.has_default() or field.null:
            return field.get_default()
        if isinstance(field, models.CharField | models.TextField) and field.blank:
            return ""
        raise ValueError(f"{field} has no default: give it a value")

    def _converter(self, field):
        """A function from the attribute's value to what the driver takes for the column."""
        kind = field.get_internal_type()
        ops = connection.ops
        if kind == "JSONField":
            return lambda v: None if v is None else json.dumps(v, ensure_ascii=False)
        if kind == "DateTimeField":
            if self.postgres:
                return lambda v: None if v is None else v.isoformat()
            return lambda v: None if v is None else ops.adapt_datetimefield_value(v)
        if kind == "DateField":
            return lambda v: None if v is None else v.isoformat()
        if kind == "BooleanField":
            if self.postgres:
                return lambda v: None if v is None else ("t" if v else "f")
            return lambda v: None if v is None else int(v)
        memo = {}

        def other(value):
            if value is None or isinstance(value, _BASIC):
                return value
            # Objects such as viewflow's flow and node references: few distinct ones.
            key = id(value)
            if key not in memo:
                memo[key] = (value, field.get_db_prep_save(value, connection))
            return memo[key][1]

        return other


def _copy_text(value) -> str:
    """A value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
        text = text.replace("\r", "\\r")
    return text
