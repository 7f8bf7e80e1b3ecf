"""``?format=xlsx`` on every API list (../shared/API.md): the same filtered, scoped rows as the
JSON list, as a workbook with Chinese column headers, IDs masked exactly as in the JSON.

Rows are serialized a chunk at a time and written to a write-only workbook spooled to disk,
so a long list never sits in memory as objects.
"""

import datetime
import itertools
import json
import tempfile
from urllib.parse import quote

from django.core.exceptions import FieldDoesNotExist
from django.http import FileResponse
from django.utils import timezone
from rest_framework.renderers import BaseRenderer, JSONRenderer

from casework.workbooks import XLSX, sheet_bytes, write_sheet

CHUNK = 2000
# Per-row computations that only make sense for the caller on the JSON detail.
LEFT_OUT = {"available_transitions", "history"}


class XLSXRenderer(BaseRenderer):
    """Lets ``?format=xlsx`` reach every view; lists answer with :class:`XLSXListMixin`, and
    anything else (a detail, a summary) becomes a two-column sheet of its fields."""

    media_type = XLSX
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        pairs = (data or {}).items() if isinstance(data, dict) else []
        return sheet_bytes("数据", ([key, _cell(value)] for key, value in pairs))


class ReportXLSXRenderer(BaseRenderer):
    """A report view's ``?format=xlsx``: the view answers ``{key: report}`` and ``to_xlsx``
    makes the report's workbook; an error body stays JSON (there is no workbook to give)."""

    media_type = XLSX
    format = "xlsx"
    charset = None
    render_style = "binary"
    key = ""

    @staticmethod
    def to_xlsx(report) -> bytes:
        raise NotImplementedError

    def render(self, data, accepted_media_type=None, renderer_context=None):
        report = data.get(self.key) if isinstance(data, dict) else None
        if report is None:
            return JSONRenderer().render(data)
        return self.to_xlsx(report)


class XLSXListMixin:
    """A list view that answers ``?format=xlsx`` with every filtered row (no pagination)."""

    xlsx_title = "列表"

    def list(self, request, *args, **kwargs):
        if getattr(request.accepted_renderer, "format", "") != "xlsx":
            return super().list(request, *args, **kwargs)
        queryset = self.filter_queryset(self.get_queryset())
        serializer_class = self.get_serializer_class()
        context = self.get_serializer_context()
        fields = {
            name: field
            for name, field in serializer_class(context=context).fields.items()
            if name not in LEFT_OUT
        }
        model = queryset.model
        header_row = [header(model, name, field) for name, field in fields.items()]
        out = tempfile.SpooledTemporaryFile(max_size=10 * 1024 * 1024)
        write_sheet(
            self.xlsx_title,
            itertools.chain([header_row], _rows(queryset, serializer_class, context, fields)),
            out,
        )
        out.seek(0)
        name = f"{self.xlsx_title}-{timezone.localdate():%Y%m%d}.xlsx"
        response = FileResponse(out, content_type=XLSX)
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
        return response


def header(model, name: str, field) -> str:
    """A column's Chinese header: the field's label, else the verbose names along its source
    (``applicant.name`` → 申请人姓名), else the field's name."""
    # DRF labels a declared field after its name ("id_number" → "Id number"): not a header.
    if field.label and str(field.label) != name.replace("_", " ").capitalize():
        return str(field.label)
    source = field.source if field.source not in ("*", "", None) else name
    source = source.removeprefix("get_").removesuffix("_display")
    names, current = [], model
    for part in source.split("."):
        found = _model_field(current, part) or _model_field(current, part.removesuffix("_id"))
        if found is None:
            break
        names.append(str(found.verbose_name))
        current = found.related_model
        if current is None:
            break
    return "".join(names) or name


def _model_field(model, name: str):
    try:
        return model._meta.get_field(name) if model is not None else None
    except FieldDoesNotExist:
        return None


def _rows(queryset, serializer_class, context, fields):
    """The queryset's rows as cells, serialized ``CHUNK`` at a time."""
    chunk = []
    for row in queryset.iterator(CHUNK):
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield from _cells(serializer_class, chunk, context, fields)
            chunk = []
    yield from _cells(serializer_class, chunk, context, fields)


def _cells(serializer_class, rows, context, fields):
    for item in serializer_class(rows, many=True, context=context).data if rows else []:
        yield [_cell(item.get(name)) for name in fields]


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float | str | datetime.date):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)
