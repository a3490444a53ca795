from django.conf import settings

from frontdoor.held_input import hold_keys
from frontdoor.selectors import navigation_for, user_primary_role


def service(request):
    return {
        "service_name": settings.SERVICE_NAME,
        "service_phase": settings.SERVICE_PHASE,
        "council_name": settings.COUNCIL_NAME,
        "front_door_phone": settings.FRONT_DOOR_PHONE,
        "navigation": navigation_for(user=request.user),
        "primary_role": user_primary_role(user=request.user),
        "session_timeout_minutes": int(settings.SESSION_INACTIVITY_TIMEOUT.total_seconds() // 60),
        "session_timeout_seconds": int(settings.SESSION_INACTIVITY_TIMEOUT.total_seconds()),
        "session_warning_seconds": int(settings.SESSION_TIMEOUT_WARNING.total_seconds()),
        "session_warning_minutes": int(settings.SESSION_TIMEOUT_WARNING.total_seconds() // 60),
        "held_input_keys": " ".join(hold_keys(user=request.user))
        if request.user.is_authenticated
        else "",
    }
