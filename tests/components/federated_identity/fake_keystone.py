"""A fake Keystone on 127.0.0.1: token issuance, version discovery, and OS-FEDERATION's three collections.

Just enough of Keystone's behaviour for the dynamic providers: PUT creates (409 when it exists),
PATCH updates (404 when missing), DELETE removes (404 when missing), mappings must hold rules with
exactly `local` and `remote`, and every federation call needs the token it issued.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

REGION = "eu-test-1"
_COLLECTION = re.compile(r"^/v3/OS-FEDERATION/(identity_providers|mappings)/([^/]+)$")
_PROTOCOL = re.compile(r"^/v3/OS-FEDERATION/identity_providers/([^/]+)/protocols/([^/]+)$")


class FakeKeystone:
    def __init__(self) -> None:
        self.identity_providers: dict[str, dict[str, Any]] = {}
        self.mappings: dict[str, dict[str, Any]] = {}
        self.protocols: dict[tuple[str, str], dict[str, Any]] = {}
        self.calls: list[tuple[str, str]] = []
        self.token = uuid.uuid4().hex
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.port = self._server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.auth_url = f"{self.base}/v3"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def start(self) -> FakeKeystone:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def federation_calls(self) -> list[tuple[str, str]]:
        return [(method, path) for method, path in self.calls if "/OS-FEDERATION/" in path]

    # -- request handling ----------------------------------------------------------------------
    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: Any) -> None:  # keep test output clean
                pass

            def _reply(self, status: int, body: Any = None, headers: dict[str, str] | None = None) -> None:
                data = b"" if body is None else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            def _body(self) -> Any:
                length = int(self.headers.get("Content-Length") or 0)
                return json.loads(self.rfile.read(length) or b"null")

            def _dispatch(self, method: str) -> None:
                path = self.path.split("?", 1)[0].rstrip("/") or "/"
                fake.calls.append((method, path))
                body = self._body() if method in ("POST", "PUT", "PATCH") else None
                if method == "GET" and path in ("/", "/v3"):
                    return self._reply(200, fake.version_document(path))
                if method == "POST" and path == "/v3/auth/tokens":
                    return self._reply(201, fake.token_document(), {"X-Subject-Token": fake.token})
                if self.headers.get("X-Auth-Token") != fake.token:
                    return self._reply(
                        401, {"error": {"code": 401, "message": "The request you have made requires authentication."}}
                    )
                status, answer = fake.federation(method, path, body)
                self._reply(status, answer)

            def do_GET(self) -> None:
                self._dispatch("GET")

            def do_POST(self) -> None:
                self._dispatch("POST")

            def do_PUT(self) -> None:
                self._dispatch("PUT")

            def do_PATCH(self) -> None:
                self._dispatch("PATCH")

            def do_DELETE(self) -> None:
                self._dispatch("DELETE")

        return Handler

    def version_document(self, path: str) -> dict[str, Any]:
        version = {
            "id": "v3.14",
            "status": "stable",
            "updated": "2020-04-07T00:00:00Z",
            "links": [{"rel": "self", "href": f"{self.auth_url}/"}],
            "media-types": [{"base": "application/json", "type": "application/vnd.openstack.identity-v3+json"}],
        }
        return {"version": version} if path == "/v3" else {"versions": {"values": [version]}}

    def token_document(self) -> dict[str, Any]:
        endpoints = [
            {
                "id": uuid.uuid4().hex,
                "interface": interface,
                "region": REGION,
                "region_id": REGION,
                "url": self.auth_url,
            }
            for interface in ("public", "internal", "admin")
        ]
        return {
            "token": {
                "methods": ["application_credential"],
                "expires_at": "2999-01-01T00:00:00.000000Z",
                "issued_at": "2026-01-01T00:00:00.000000Z",
                "user": {"id": "u1", "name": "federation-admin", "domain": {"id": "default", "name": "Default"}},
                "project": {"id": "p1", "name": "platform", "domain": {"id": "default", "name": "Default"}},
                "roles": [{"id": "r1", "name": "admin"}],
                "catalog": [{"id": "s1", "type": "identity", "name": "keystone", "endpoints": endpoints}],
            }
        }

    def federation(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        if match := _PROTOCOL.match(path):
            idp_id, protocol_id = match.groups()
            if idp_id not in self.identity_providers:
                return 404, {"error": {"code": 404, "message": f"Could not find Identity Provider: {idp_id}."}}
            return self._object(method, self.protocols, (idp_id, protocol_id), "protocol", body, protocol_id)
        if match := _COLLECTION.match(path):
            collection, object_id = match.groups()
            if collection == "identity_providers":
                store: dict[Any, dict[str, Any]] = self.identity_providers
                return self._object(method, store, object_id, "identity_provider", body, object_id)
            return self._object(method, self.mappings, object_id, "mapping", body, object_id)
        return 404, {"error": {"code": 404, "message": f"no route {path}"}}

    def _object(
        self, method: str, store: dict[Any, dict[str, Any]], key: Any, name: str, body: Any, object_id: str
    ) -> tuple[int, Any]:
        if method == "GET":
            return (200, {name: store[key]}) if key in store else (404, {"error": {"code": 404}})
        if method == "DELETE":
            return (204, None) if store.pop(key, None) is not None else (404, {"error": {"code": 404}})
        fields = (body or {}).get(name)
        if not isinstance(fields, dict):
            return 400, {"error": {"code": 400, "message": f"missing {name}"}}
        if name == "mapping" and not _valid_rules(fields.get("rules")):
            return 400, {"error": {"code": 400, "message": "invalid mapping rules"}}
        if method == "PUT":
            if key in store:
                return 409, {"error": {"code": 409, "message": "Conflict occurred attempting to store"}}
            stored = {"id": object_id, **fields}
            if name == "identity_provider":
                stored.setdefault("domain_id", uuid.uuid4().hex)
            store[key] = stored
            return 201, {name: stored}
        if method == "PATCH":
            if key not in store:
                return 404, {"error": {"code": 404}}
            store[key] = {**store[key], **fields}
            return 200, {name: store[key]}
        return 405, {"error": {"code": 405}}


def _valid_rules(rules: Any) -> bool:
    if not isinstance(rules, list) or not rules:
        return False
    return all(isinstance(rule, dict) and set(rule) == {"local", "remote"} for rule in rules)
