"""Inserting many new rows fast: model instances written with ``COPY`` on PostgreSQL and
``executemany`` on SQLite, skipping the ORM's per-value SQL compilation (ten times the cost
of the insert itself at a million rows). For generated data only: no ``save()``, no signals,
no validation — the caller builds complete, valid rows.

Primary keys are handed out here from the table's current maximum, so rows can refer to each
other before they are written; :meth:`BulkInserter.finish` moves PostgreSQL's sequences past
them. Nothing else may insert into the same tables meanwhile.
"""

import datetime
import io
import json

from django.core.management.color import no_style
from django.db import connection, models

_BASIC = (str, int, float)


class BulkInserter:
    """Writes lists of unsaved model instances of one model at a time."""

    def __init__(self, now: datetime.datetime):
        self.now = now
        self.postgres = connection.vendor == "postgresql"
        self.next_ids: dict[type, int] = {}
        self.plans: dict[type, tuple] = {}
        self.models: set[type] = set()

    def insert(self, objects: list[models.Model]) -> None:
        """Give each object a primary key (unless it has one) and write them all."""
        if not objects:
            return
        model = type(objects[0])
        fields, converters, sql = self._plan(model)
        pk = model._meta.pk
        if isinstance(pk, models.AutoField | models.BigAutoField):
            first = self._take_ids(model, len(objects))
            for offset, obj in enumerate(objects):
                if obj.pk is None:
                    obj.pk = first + offset
        for field in fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                for obj in objects:
                    if getattr(obj, field.attname) is None:
                        setattr(obj, field.attname, self.now)
        rows = [
            [
                convert(getattr(obj, field.attname))
                for field, convert in zip(fields, converters, strict=True)
            ]
            for obj in objects
        ]
        with connection.cursor() as cursor:
            if self.postgres:
                buffer = io.StringIO()
                buffer.writelines("\t".join(map(_copy_text, row)) + "\n" for row in rows)
                buffer.seek(0)
                cursor.copy_expert(sql, buffer)
            else:
                cursor.executemany(sql, rows)
        for obj in objects:
            obj._state.adding, obj._state.db = False, connection.alias
        self.models.add(model)

    def finish(self) -> None:
        """Move the id sequences of the tables written past the ids handed out (PostgreSQL;
        SQLite's AUTOINCREMENT already counts rows inserted with explicit ids)."""
        statements = connection.ops.sequence_reset_sql(no_style(), sorted(self.models, key=str))
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    def _take_ids(self, model, count: int) -> int:
        if model not in self.next_ids:
            last = model.objects.aggregate(last=models.Max("pk"))["last"] or 0
            self.next_ids[model] = last + 1
        first = self.next_ids[model]
        self.next_ids[model] = first + count
        return first

    def _plan(self, model):
        if model not in self.plans:
            fields = list(model._meta.concrete_fields)
            table = connection.ops.quote_name(model._meta.db_table)
            columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
            if self.postgres:
                sql = f"COPY {table} ({columns}) FROM STDIN"
            else:
                sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
            self.plans[model] = (fields, [self._converter(f) for f in fields], sql)
        return self.plans[model]

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
            return (
                (lambda v: None if v is None else ("t" if v else "f"))
                if self.postgres
                else (lambda v: None if v is None else int(v))
            )
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
