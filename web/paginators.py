"""One page of a long list without sorting its joined rows.

Django's paginator slices the list's queryset, so the database joins every row of the list to
its related rows (``select_related``) before it sorts them and keeps one page: at a county's
hundred thousand applications that is most of a page's time. Here the page's primary keys are
read first, from the list's own table only (what the ``WHERE`` and ``ORDER BY`` need), and
then only those rows are read with their related rows, in the same order.
"""

from django.core.paginator import Paginator
from django.db.models import QuerySet

# Below this many rows, one query that joins and sorts them all costs less than two.
LONG_LIST = 2000


class KeysFirstPaginator(Paginator):
    """A ``Paginator`` that reads a long list's page keys first (see the module's docstring);
    short lists, and lists that are not plain model querysets, are paged as Django pages them.
    ``count``, when the caller already knows how many rows the list has (the inbox counts them
    per step), spares the ``COUNT`` query."""

    def __init__(self, object_list, per_page, *, count: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        if count is not None:
            self.__dict__["count"] = count  # Paginator.count is a cached property

    def page(self, number):
        rows = self.object_list
        plain = isinstance(rows, QuerySet) and not rows.query.combinator and rows._fields is None
        if not plain or self.count < LONG_LIST:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = list(dict.fromkeys(rows.values_list("pk", flat=True)[bottom:top]))
        found = {row.pk: row for row in rows.filter(pk__in=keys).order_by()}
        return self._get_page([found[key] for key in keys if key in found], number, self)
