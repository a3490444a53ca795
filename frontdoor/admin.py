from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from frontdoor import selectors, services
from frontdoor.models import Agency, ReferralSource, User
from frontdoor.roles import Permission, Role

admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(DjangoGroupAdmin):
    """Roles are groups. Their permissions are checkboxes: the admin's two-list picker
    puts an ``aria-label`` on a span, which screen readers ignore, and its arrows are
    too small to tap."""

    filter_horizontal = ()

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "permissions":
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(ReferralSource)
class ReferralSourceAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "first_census_year"]

    def has_add_permission(self, request):
        return False  # Census codes come from data migrations only.

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "referral_source", "is_active"]
    list_filter = ["type", "is_active"]
    search_fields = ["name"]


class UserCreationAdminForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name", "agency")


class UserChangeAdminForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label="Roles",
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Every manager and administrator is emailed about the change.",
    )


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_form = UserCreationAdminForm
    form = UserChangeAdminForm
    ordering = ["full_name"]
    list_display = ["full_name", "email", "agency", "is_active"]
    list_filter = ["groups", "agency", "is_active"]
    search_fields = ["full_name", "email"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("full_name", "job_title", "agency")}),
        # Roles change only through their own page (user_roles_change): audited,
        # announced, and never by the account holder.
        ("Access", {"fields": ("is_active", "roles")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ["last_login", "date_joined", "roles"]
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "full_name",
                    "agency",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )

    @admin.display(description="Roles")
    def roles(self, user: User) -> str:
        labels = ", ".join(role.label for role in selectors.user_roles(user=user)) or "None"
        if not user.pk:
            return labels
        url = reverse("admin:frontdoor_user_roles", args=[user.pk])
        return format_html('{} <a href="{}">Change roles</a>', labels, url)

    def get_urls(self):
        own = [
            path(
                "<int:user_id>/roles/",
                self.admin_site.admin_view(self.roles_view),
                name="frontdoor_user_roles",
            )
        ]
        return own + super().get_urls()

    def roles_view(self, request, user_id: int):
        if not request.user.has_perm(Permission.ADMINISTER_SERVICE.perm):
            raise PermissionDenied
        account = get_object_or_404(User, pk=user_id)
        held = [role.value for role in selectors.user_roles(user=account)]
        form = RolesForm(request.POST or None, initial={"roles": held})
        own_account = account.pk == request.user.pk
        if request.method == "POST" and not own_account and form.is_valid():
            try:
                event = services.user_roles_change(
                    actor=request.user,
                    user=account,
                    roles=[Role(value) for value in form.cleaned_data["roles"]],
                    request=request,
                )
            except services.RoleChangeRefused as refused:
                form.add_error("roles", str(refused))
            else:
                if event is None:
                    messages.info(request, "Nothing changed: those were already the roles.")
                elif services.role_change_tell_queue(event=event):
                    messages.success(
                        request, "Roles changed. Managers and administrators are being emailed."
                    )
                else:
                    messages.warning(
                        request,
                        "Roles changed and recorded, but the emails to managers and "
                        "administrators could not be sent: tell them yourself.",
                    )
                return redirect("admin:frontdoor_user_change", account.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Roles of {account.full_name}",
            "account": account,
            "form": form,
            "own_account": own_account,
            "held_labels": [Role(value).label for value in held],
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/frontdoor/user/roles.html", context)
