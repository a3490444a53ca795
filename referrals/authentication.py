"""Bearer-token authentication for partner systems (``Authorization: Bearer fd_…``)."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from referrals.services import api_client_authenticate


class PartnerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0] != self.keyword:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Send one token: 'Authorization: Bearer <token>'."
            )
        client = api_client_authenticate(token=header[1])
        if client is None:
            raise exceptions.AuthenticationFailed("That token is not valid or has been revoked.")
        return client.account, client

    def authenticate_header(self, request) -> str:
        return self.keyword


class PartnerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "referrals.authentication.PartnerTokenAuthentication"
    name = "partnerToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "A partner system's token."}
