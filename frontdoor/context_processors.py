from django.conf import settings

from frontdoor.held_input import hold_keys
from frontdoor.navigation import navigation_for
from frontdoor.selectors import user_primary_role


def service(request):
    match = getattr(request, "resolver_match", None)
    navigation = navigation_for(user=request.user, view_name=match.view_name if match else "")
    return {
        "service_name": settings.SERVICE_NAME,
        "service_phase": settings.SERVICE_PHASE,
        "council_name": settings.COUNCIL_NAME,
        "front_door_phone": settings.FRONT_DOOR_PHONE,
        "navigation": navigation,
        # The area the user is in, whose pages the sub-navigation lists.
        "navigation_area": next((area for area in navigation if area.active), None),
        "primary_role": user_primary_role(user=request.user),
        "session_timeout_minutes": int(settings.SESSION_INACTIVITY_TIMEOUT.total_seconds() // 60),
        "session_timeout_seconds": int(settings.SESSION_INACTIVITY_TIMEOUT.total_seconds()),
        "session_warning_seconds": int(settings.SESSION_TIMEOUT_WARNING.total_seconds()),
        "session_warning_minutes": int(settings.SESSION_TIMEOUT_WARNING.total_seconds() // 60),
        "held_input_keys": " ".join(hold_keys(user=request.user))
        if request.user.is_authenticated
        else "",
    }
