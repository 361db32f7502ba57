"""Service-account key files made at test time (keys are never committed).

The file has the fields of a key downloaded from the Cloud console
(https://cloud.google.com/iam/docs/keys-create-delete), with token_uri pointing at the emulator.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

if TYPE_CHECKING:
    from .server import SheetsEmulator

DEFAULT_EMAIL = "sheetflow@kapanewon-test.iam.gserviceaccount.com"


def make_service_account(
    directory: Path, emulator: SheetsEmulator, email: str = DEFAULT_EMAIL, *, register: bool = True
) -> Path:
    """Write a key file for `email`; with register=False the emulator never learns the key (a wrong key)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key_id = secrets.token_hex(20)
    project_id = email.split("@", 1)[1].split(".", 1)[0]
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    info = {
        "type": "service_account",
        "project_id": project_id,
        "private_key_id": key_id,
        "private_key": pem,
        "client_email": email,
        "client_id": str(secrets.randbelow(10**21)).rjust(21, "1"),
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": emulator.token_uri,
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "client_x509_cert_url": f"https://www.googleapis.com/robot/v1/metadata/x509/{quote(email)}",
        "universe_domain": "googleapis.com",
    }
    if register:
        emulator.register_service_account(email, key_id, key.public_key())
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{project_id}-{key_id[:12]}.json"
    path.write_text(json.dumps(info, indent=2))
    return path
