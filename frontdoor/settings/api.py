"""The partner REST API: authentication, limits and its documentation."""

from .environment import env

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON only, nested at most a few levels (a 100,000-deep body was a 500).
    "DEFAULT_PARSER_CLASSES": ["frontdoor.json_input.LimitedJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Behind TRUSTED_PROXY_COUNT proxies, the client's address is that many hops back in
    # X-Forwarded-For (for throttling anonymous callers); counts live in Redis, shared.
    "NUM_PROXIES": env.int("TRUSTED_PROXY_COUNT", default=0) or None,
    "DEFAULT_THROTTLE_RATES": {
        "partner": env.str("PARTNER_API_RATE", default="600/minute"),
    },
}
# Wrong bearer tokens from one client address: past this many in the window, the
# address is answered 429 before any token it sends is checked.
API_TOKEN_FAILURE_LIMIT = env.int("API_TOKEN_FAILURE_LIMIT", default=10)
API_TOKEN_FAILURE_WINDOW_SECONDS = env.int("API_TOKEN_FAILURE_WINDOW_SECONDS", default=300)
SPECTACULAR_SETTINGS = {
    "ENUM_NAME_OVERRIDES": {  # short: the docs page must reflow at 320 px (ADR 0037)
        "ChildInvolvementEnum": "referrals.api_police.CHILD_INVOLVEMENTS",
        "AdultInvolvementEnum": "referrals.api_police.ADULT_INVOLVEMENTS",
    },
    "TITLE": "Front Door partner API",
    "DESCRIPTION": (
        "Partner systems (police notification feeds, health and education case systems) "
        "submit contacts about children and read back their status. Authenticate with "
        "`Authorization: Bearer <token>`; an administrator issues tokens with "
        "`manage.py create_api_client`."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_AUTHENTICATION": ["rest_framework.authentication.SessionAuthentication"],
    # The schema and its docs are for signed-in staff and partner developers with accounts.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
}
