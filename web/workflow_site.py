"""The viewflow frontend: each process's flow viewset is listed here as it is built.

Our own inbox pages (workflows/inbox.py) stay the officers' entry point; viewflow's pages give
each process its task views, process list and history.
"""

from django.utils.translation import gettext_lazy as _
from viewflow.urls import Site
from viewflow.workflow.flow import WorkflowAppViewset

FLOW_VIEWSETS: list = []

site = Site(
    title=_("Casework"),
    viewsets=[WorkflowAppViewset(flow_viewsets=FLOW_VIEWSETS)],
)
