"""Google's OAuth 2.0 token endpoint for service accounts, and bearer-token checks.

https://developers.google.com/identity/protocols/oauth2/service-account#authorizingrequests — the
client POSTs grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer and an RS256-signed JWT whose
claims are iss (the service account e-mail), scope, aud (https://oauth2.googleapis.com/token), exp
and iat ("The maximum time ... is one hour after the issued time"); the answer is
{"access_token", "expires_in": 3599, "token_type": "Bearer"}.
"""

from __future__ import annotations

import base64
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
SCOPE_PREFIX = "https://www.googleapis.com/auth/"
# https://developers.google.com/sheets/api/scopes
READ_SCOPES = frozenset(
    SCOPE_PREFIX + s for s in ("spreadsheets", "spreadsheets.readonly", "drive", "drive.readonly", "drive.file")
)
WRITE_SCOPES = frozenset(SCOPE_PREFIX + s for s in ("spreadsheets", "drive", "drive.file"))
# What files.get and files.list accept (the spreadsheets scope reaches no Drive file).
DRIVE_SCOPES = frozenset(SCOPE_PREFIX + s for s in ("drive", "drive.readonly", "drive.metadata.readonly",
                                                    "drive.file"))
TOKEN_LIFETIME = 3599
_CLOCK_SKEW = 300


class TokenRefused(Exception):
    def __init__(self, error: str, description: str):
        super().__init__(description)
        self.body = {"error": error, "error_description": description}


@dataclass
class Grant:
    email: str
    scopes: frozenset[str]
    expires_at: float


class Authority:
    """Registered service-account keys and the access tokens issued for them."""

    def __init__(self, token_uri: str):
        self.token_uri = token_uri
        self.keys: dict[str, tuple[str, rsa.RSAPublicKey]] = {}  # key id -> (e-mail, public key)
        self.tokens: dict[str, Grant] = {}

    def register(self, email: str, key_id: str, public_key: rsa.RSAPublicKey) -> None:
        self.keys[key_id] = (email, public_key)

    def revoke_all(self) -> None:
        self.tokens.clear()

    def exchange(self, form: dict[str, str]) -> dict[str, Any]:
        if form.get("grant_type") != JWT_BEARER:
            raise TokenRefused("unsupported_grant_type", f"Invalid grant_type: {form.get('grant_type', '')}")
        claims = self._verified(form.get("assertion", ""), audiences=(GOOGLE_TOKEN_URI, self.token_uri))
        if "sub" in claims:
            # Acting as a user needs domain-wide delegation, which no emulated account has.
            raise TokenRefused(
                "unauthorized_client",
                "Client is unauthorized to retrieve access tokens using this method, or client not authorized "
                "for any of the scopes requested.",
            )
        scopes = frozenset(claims.get("scope", "").split())
        if not scopes & READ_SCOPES:
            raise TokenRefused("invalid_scope", "Invalid OAuth scope or ID token audience provided.")
        token = "ya29.c." + secrets.token_urlsafe(96)
        self.tokens[token] = Grant(claims["iss"], scopes, time.time() + TOKEN_LIFETIME)
        return {"access_token": token, "expires_in": TOKEN_LIFETIME, "token_type": "Bearer"}

    def grant_for(self, authorization: str | None) -> Grant | None:
        """The grant behind an Authorization header, or None when it is missing, unknown or expired."""
        if not authorization or not authorization.startswith("Bearer "):
            return None
        token = authorization[len("Bearer ") :].strip()
        grant = self.tokens.get(token)
        if grant is None and token.count(".") == 2 and not token.startswith("ya29."):
            grant = self._self_signed(token)
        if grant is None or grant.expires_at <= time.time():
            return None
        return grant

    def _self_signed(self, token: str) -> Grant | None:
        # google-auth can sign its own JWT (with_always_use_jwt_access); Google accepts one whose aud is
        # the API's address or that carries scopes.
        try:
            claims = self._verified(token, audiences=("https://sheets.googleapis.com/",), any_audience_with_scope=True)
        except TokenRefused:
            return None
        scopes = frozenset(claims.get("scope", "").split()) or WRITE_SCOPES
        return Grant(claims["iss"], scopes, float(claims["exp"]))

    def _verified(self, assertion: str, audiences: tuple[str, ...], any_audience_with_scope: bool = False) -> dict:
        try:
            header_b64, claims_b64, signature_b64 = assertion.split(".")
            header = json.loads(_unb64(header_b64))
            claims = json.loads(_unb64(claims_b64))
            signature = _unb64(signature_b64)
        except ValueError:
            raise TokenRefused("invalid_grant", "Invalid JWT: assertion is not a well-formed JWT.") from None
        known = self.keys.get(header.get("kid", ""))
        if header.get("alg") != "RS256" or known is None or known[0] != claims.get("iss"):
            if not any(email == claims.get("iss") for email, _ in self.keys.values()):
                raise TokenRefused("invalid_grant", "Invalid grant: account not found")
            raise TokenRefused("invalid_grant", "Invalid JWT Signature.")
        try:
            known[1].verify(signature, f"{header_b64}.{claims_b64}".encode(), padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            raise TokenRefused("invalid_grant", "Invalid JWT Signature.") from None
        if claims.get("aud") not in audiences and not (any_audience_with_scope and claims.get("scope")):
            raise TokenRefused("invalid_grant", "Invalid JWT: audience is not the token endpoint.")
        now = time.time()
        iat, exp = claims.get("iat", 0), claims.get("exp", 0)
        if not (iat - _CLOCK_SKEW <= now < exp and exp - iat <= 3600):
            raise TokenRefused(
                "invalid_grant",
                "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. "
                "Check your iat and exp values in the JWT claim.",
            )
        return claims


def _unb64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
