"""Bad input on the pages answers a 400 page naming the field, before any view reads it.

The API checks the same (``web.api.inputs``) once the caller is authenticated, so that an
anonymous caller gets 401 first; this middleware leaves the API to it.
"""

from django.shortcuts import render

from web.request_checks import form_problems, query_problems

API_PREFIX = "/api/"


class BadInputMiddleware:
    """Refuse a page request whose query holds a NUL or an over-long value, or whose form
    fields or file names hold a NUL, with a 400 page listing each field and what is wrong."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(API_PREFIX):
            problems = query_problems(request.GET)
            if request.method == "POST":
                problems.update(form_problems(request.POST, request.FILES))
            if problems:
                return render(request, "400.html", {"problems": problems}, status=400)
        return self.get_response(request)
