from django.contrib.auth import views as auth_views
from django.urls import path

from permissions import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("officers/", views.officer_list, name="officer-list"),
    path("officers/new/", views.officer_create, name="officer-create"),
    path("officers/<int:pk>/", views.officer_edit, name="officer-edit"),
]
