"""The dashboard page (``/dashboard/?region=&year=``): the figures of workflows.dashboards as
charts with their tables, drilling down by region; the workbook comes from the API."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.http import urlencode

from casework import clock
from web.charts import section_charts
from workflows import dashboards
from workflows.enforcement_reports import parse_year


@login_required
def dashboard(request):
    """The caller's jurisdiction (or ``?region=`` below it; elsewhere 404) for ``?year=``
    (this year by default)."""
    region = dashboards.region_for(request.user, request.GET.get("region"))
    today = clock.today()
    try:
        year = parse_year(request.GET.get("year"))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        year = None
    board = dashboards.dashboard(request.user, region, year) if region and year else None
    chosen = year or today.year
    return render(
        request,
        "casework/dashboard.html",
        {
            "board": board,
            "sections": [(section, *section_charts(section)) for section in board.sections]
            if board
            else [],
            "region": region,
            "year": chosen,
            "years": dashboards.year_choices(today, chosen),
            "querystring": urlencode({"region": region.code, "year": chosen}) if region else "",
        },
        status=400 if year is None else 200,
    )
