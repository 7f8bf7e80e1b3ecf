"""API endpoints about the caller: obtaining a token and ``me/``."""

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from web import login_throttle
from web.api.errors import error_response
from web.api.inputs import CheckedInputMixin


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class ObtainTokenView(CheckedInputMixin, APIView):
    """Exchange a username and password for a token; repeated failures are refused for a while."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=TokenRequestSerializer,
        responses=inline_serializer("TokenResponse", {"token": serializers.CharField()}),
    )
    def post(self, request):
        credentials = TokenRequestSerializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        username = credentials.validated_data["username"]
        address = request.META.get("REMOTE_ADDR")
        if login_throttle.is_locked_out(username, address):
            return error_response(
                "throttled", _("Too many failed logins; please try again later."), 429
            )
        user = authenticate(
            request, username=username, password=credentials.validated_data["password"]
        )
        if user is None:
            login_throttle.register_failure(username, address)
            return error_response(
                "not_authenticated",
                _("Wrong username or password."),
                status.HTTP_401_UNAUTHORIZED,
                headers={"WWW-Authenticate": "Token"},
            )
        login_throttle.clear_failures(username, address)
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField(source="full_name")
    roles = serializers.SerializerMethodField()
    jurisdiction = serializers.CharField(source="jurisdiction_id", allow_null=True)
    jurisdiction_name = serializers.CharField(source="jurisdiction.name", default=None)

    def get_roles(self, officer) -> list[str]:
        return [role.value for role in officer.roles]


class MeView(CheckedInputMixin, APIView):
    """The caller: username, name, roles and jurisdiction region code."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user).data)
