"""List pagination of ../shared/API.md: ?page=N&page_size=M, at most 200 per page."""

from django.conf import settings
from rest_framework.pagination import PageNumberPagination

from web.paginators import KeysFirstPaginator


class CaseworkPagination(PageNumberPagination):
    django_paginator_class = KeysFirstPaginator
    page_size = settings.CASEWORK_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = settings.CASEWORK_API_MAX_PAGE_SIZE
