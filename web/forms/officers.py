"""Forms for logging in and managing officers."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from casework.models import Region
from permissions.roles import Role
from permissions.scoping import visible_to
from web import login_throttle


class ThrottledLoginForm(AuthenticationForm):
    """The login form, refusing an address+username pair after repeated failures."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked_out": _("Too many failed logins; please try again later."),
    }

    def clean(self):
        username = self.cleaned_data.get("username", "")
        address = self.request.META.get("REMOTE_ADDR") if self.request else None
        if login_throttle.is_locked_out(username, address):
            raise forms.ValidationError(self.error_messages["locked_out"], code="locked_out")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            login_throttle.register_failure(username, address)
            raise
        login_throttle.clear_failures(username, address)
        return cleaned


class OperatorLoginForm(ThrottledLoginForm):
    """The admin's login: the same throttled login, open to active superusers only.

    Like Django's ``AdminAuthenticationForm`` (which refuses non-staff), the right password of
    an account that may not enter gets the same answer as a wrong one and counts as a failure,
    so the page never tells anyone that a guessed password was right.
    """

    required_css_class = "required"
    error_messages = {
        **ThrottledLoginForm.error_messages,
        "invalid_login": _(
            "Please enter the username and password of a technical operator (superuser) "
            "account. Office administrators manage officers on the Officers page."
        ),
    }

    def confirm_login_allowed(self, user):
        """Refuse inactive accounts (as every login does) and every account not a superuser."""
        super().confirm_login_allowed(user)
        if not user.is_superuser:
            raise forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")


class OfficerForm(forms.Form):
    """Name, jurisdiction and roles of an officer; choices limited to the admin's reach."""

    full_name = forms.CharField(label=_("name"), max_length=50)
    jurisdiction = forms.ModelChoiceField(label=_("jurisdiction"), queryset=Region.objects.none())
    roles = forms.MultipleChoiceField(
        label=_("roles"), choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)
    reason = forms.CharField(label=_("reason for the change"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        jurisdiction_field = self.fields["jurisdiction"]
        jurisdiction_field.queryset = visible_to(user, Region).order_by("code")
        jurisdiction_field.label_from_instance = lambda region: f"{region.code} {region.name}"


class NewOfficerForm(OfficerForm):
    username = forms.RegexField(
        label=_("username"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        error_messages={"invalid": _("Username: letters, digits and @/./+/-/_ only.")},
    )
    password = forms.CharField(label=_("initial password"), widget=forms.PasswordInput)

    field_order = ["username", "full_name", "password", "jurisdiction", "roles"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["is_active"], self.fields["reason"]
