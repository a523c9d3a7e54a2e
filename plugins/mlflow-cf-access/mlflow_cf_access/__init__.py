"""MLflow request-header plugin for servers behind Cloudflare Access.

The official client cannot be told to send arbitrary headers, but it merges the headers of every
installed ``mlflow.request_header_provider`` into each request. This provider adds an Access
service token from the environment:

    CF_ACCESS_CLIENT_ID      the service token's client id     -> CF-Access-Client-Id
    CF_ACCESS_CLIENT_SECRET  the service token's client secret -> CF-Access-Client-Secret

It is active only when both are set, so installing it changes nothing until configured. The secret
is never logged or printed.
"""

from __future__ import annotations

import os

from mlflow.tracking.request_header.abstract_request_header_provider import RequestHeaderProvider

CLIENT_ID_ENV = "CF_ACCESS_CLIENT_ID"
CLIENT_SECRET_ENV = "CF_ACCESS_CLIENT_SECRET"

__all__ = ["CloudflareAccessHeaderProvider", "CLIENT_ID_ENV", "CLIENT_SECRET_ENV"]


class CloudflareAccessHeaderProvider(RequestHeaderProvider):
    """Adds ``CF-Access-Client-Id`` and ``CF-Access-Client-Secret`` from the environment."""

    def in_context(self) -> bool:
        return bool(os.environ.get(CLIENT_ID_ENV)) and bool(os.environ.get(CLIENT_SECRET_ENV))

    def request_headers(self) -> dict[str, str]:
        if not self.in_context():
            return {}
        return {
            "CF-Access-Client-Id": os.environ[CLIENT_ID_ENV].strip(),
            "CF-Access-Client-Secret": os.environ[CLIENT_SECRET_ENV].strip(),
        }

    def __repr__(self) -> str:  # keep the secret out of reprs and logs
        return f"CloudflareAccessHeaderProvider(active={self.in_context()})"
