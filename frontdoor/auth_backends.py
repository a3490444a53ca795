"""Django's ModelBackend, with a user's permissions read in the same query as their
groups (``frontdoor.selectors.user_access_load``). What a user may do is unchanged:
the permissions of their groups and their own, none when inactive, all for a superuser."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from frontdoor import selectors
from frontdoor.models import User


class RoleBackend(ModelBackend):
    def get_user(self, user_id):
        # Each request's user, with their agency: every page's navigation asks whether
        # they are police staff (``selectors.can_record_police``), a query of its own
        # when read apart.
        try:
            user = User._default_manager.select_related("agency").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def _get_permissions(self, user_obj, obj, from_name):
        # A superuser holds every permission, which ModelBackend reads itself.
        loadable = user_obj.is_active and not user_obj.is_anonymous and not user_obj.is_superuser
        cached = hasattr(user_obj, f"_{from_name}_perm_cache")
        if loadable and obj is None and not cached:
            selectors.user_access_load(user=user_obj)
        return super()._get_permissions(user_obj, obj, from_name)
