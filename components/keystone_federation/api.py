"""Keystone's OS-FEDERATION API, reached through openstacksdk with a `clouds.yaml` entry.

The dynamic provider only ever holds the entry's *name*: credentials stay in clouds.yaml (an
application credential, as for the sites' OpenStack providers), never in Pulumi state. Before any
call the entry's auth URL must be the site's identity endpoint the resource declares, so a
resource cannot land in another site's Keystone through a mistyped entry.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

JSON = dict[str, Any]


class FederationApiError(RuntimeError):
    """Keystone refused a call, or the clouds.yaml entry does not point at the declared site."""


def _same_endpoint(left: str, right: str) -> bool:
    return left.rstrip("/") == right.rstrip("/")


class FederationApi:
    """The three OS-FEDERATION collections, as plain dicts. Missing objects read as `None`."""

    def __init__(self, adapter: Any) -> None:
        self._adapter = adapter  # a keystoneauth Adapter bound to the identity v3 endpoint

    @classmethod
    def connect(cls, cloud: str, auth_url: str) -> FederationApi:
        import openstack  # imported here: the provider is serialized into state, its imports are not

        connection = openstack.connect(cloud=cloud)
        configured = str(connection.config.config.get("auth", {}).get("auth_url", ""))
        if not _same_endpoint(configured, auth_url):
            raise FederationApiError(
                f"clouds.yaml entry {cloud!r} authenticates at {configured or 'nowhere'}, not at {auth_url}"
            )
        return cls(connection.identity)

    # identity providers ---------------------------------------------------------------------------
    def get_identity_provider(self, idp_id: str) -> JSON | None:
        return self._get(f"/OS-FEDERATION/identity_providers/{quote(idp_id)}", "identity_provider")

    def put_identity_provider(self, idp_id: str, body: JSON) -> JSON:
        return self._send("PUT", f"/OS-FEDERATION/identity_providers/{quote(idp_id)}", "identity_provider", body)

    def patch_identity_provider(self, idp_id: str, body: JSON) -> JSON:
        return self._send("PATCH", f"/OS-FEDERATION/identity_providers/{quote(idp_id)}", "identity_provider", body)

    def delete_identity_provider(self, idp_id: str) -> None:
        self._delete(f"/OS-FEDERATION/identity_providers/{quote(idp_id)}")

    # mappings -------------------------------------------------------------------------------------
    def get_mapping(self, mapping_id: str) -> JSON | None:
        return self._get(f"/OS-FEDERATION/mappings/{quote(mapping_id)}", "mapping")

    def put_mapping(self, mapping_id: str, rules: list[JSON]) -> JSON:
        return self._send("PUT", f"/OS-FEDERATION/mappings/{quote(mapping_id)}", "mapping", {"rules": rules})

    def patch_mapping(self, mapping_id: str, rules: list[JSON]) -> JSON:
        return self._send("PATCH", f"/OS-FEDERATION/mappings/{quote(mapping_id)}", "mapping", {"rules": rules})

    def delete_mapping(self, mapping_id: str) -> None:
        self._delete(f"/OS-FEDERATION/mappings/{quote(mapping_id)}")

    # protocols ------------------------------------------------------------------------------------
    def _protocol_path(self, idp_id: str, protocol_id: str) -> str:
        return f"/OS-FEDERATION/identity_providers/{quote(idp_id)}/protocols/{quote(protocol_id)}"

    def get_protocol(self, idp_id: str, protocol_id: str) -> JSON | None:
        return self._get(self._protocol_path(idp_id, protocol_id), "protocol")

    def put_protocol(self, idp_id: str, protocol_id: str, body: JSON) -> JSON:
        return self._send("PUT", self._protocol_path(idp_id, protocol_id), "protocol", body)

    def patch_protocol(self, idp_id: str, protocol_id: str, body: JSON) -> JSON:
        return self._send("PATCH", self._protocol_path(idp_id, protocol_id), "protocol", body)

    def delete_protocol(self, idp_id: str, protocol_id: str) -> None:
        self._delete(self._protocol_path(idp_id, protocol_id))

    # transport ------------------------------------------------------------------------------------
    def _get(self, path: str, key: str) -> JSON | None:
        response = self._adapter.get(path, raise_exc=False)
        if response.status_code == 404:
            return None
        return self._body(response, "GET", path, key)

    def _send(self, method: str, path: str, key: str, body: JSON) -> JSON:
        response = self._adapter.request(path, method, json={key: body}, raise_exc=False)
        return self._body(response, method, path, key)

    def _delete(self, path: str) -> None:
        response = self._adapter.delete(path, raise_exc=False)
        if response.status_code not in (204, 404):  # already gone is what we wanted
            raise FederationApiError(f"DELETE {path}: Keystone answered {response.status_code} {response.text[:200]}")

    @staticmethod
    def _body(response: Any, method: str, path: str, key: str) -> JSON:
        if response.status_code >= 300:
            raise FederationApiError(f"{method} {path}: Keystone answered {response.status_code} {response.text[:200]}")
        document = response.json()
        value = document.get(key) if isinstance(document, dict) else None
        if not isinstance(value, dict):
            raise FederationApiError(f"{method} {path}: Keystone's answer has no {key!r} object")
        return value
