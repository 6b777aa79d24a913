"""What the offline engine records: every registration's raw request, as the engine receives it.

`MockResourceArgs` lacks parent, protect and dependencies; a `MockMonitor` subclass sees the raw
`RegisterResourceRequest` with all of them, so that is where we listen. It also answers with the
URNs the engine would give (sovcloud/engine/urns.py): the SDK passes a parent's URN back in its
children's requests, so every URN of the run, parents included, is the engine's.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from google.protobuf import json_format
from pulumi.runtime.mocks import MockMonitor, Mocks
from pulumi.runtime.settings import get_project, get_stack

from sovcloud.engine.urns import ROOT_STACK_TYPE, make_urn, qualified_type


@dataclass
class Registration:
    """One RegisterResource/ReadResource call, in wire form (camelCase inputs, unknown sentinels)."""

    urn: str
    type: str
    name: str
    custom: bool
    parent: str
    provider_ref: str  # "urn::id" as the SDK sends it, "" when no explicit provider
    inputs: dict[str, Any]
    protect: bool = False
    retain_on_delete: bool = False
    dependencies: tuple[str, ...] = ()
    property_dependencies: dict[str, tuple[str, ...]] = field(default_factory=dict)
    read: bool = False
    version: str = ""  # the package version the SDK asks for (names the default provider)
    plugin_download_url: str = ""


class RecordingMonitor(MockMonitor):
    """The SDK's mock monitor, plus a faithful record of each request and the stack's exports."""

    def __init__(self, mocks: Mocks) -> None:
        super().__init__(mocks)
        self.registrations: list[Registration] = []
        self.stack_outputs: dict[str, Any] = {}
        self._lock = threading.Lock()

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        return make_urn(get_stack(), get_project(), parent, type_, name)

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)  # type: ignore[no-untyped-call]
        if request.type != ROOT_STACK_TYPE:
            record = Registration(
                urn=response.urn,
                type=request.type,
                name=request.name,
                custom=bool(request.custom),
                parent=request.parent,
                provider_ref=request.provider,
                inputs=json_format.MessageToDict(request.object),
                protect=bool(request.protect),
                retain_on_delete=bool(request.retainOnDelete),
                dependencies=tuple(request.dependencies),
                property_dependencies={k: tuple(v.urns) for k, v in request.propertyDependencies.items()},
                version=request.version,
                plugin_download_url=request.pluginDownloadURL,
            )
            with self._lock:
                self.registrations.append(record)
        return response

    def ReadResource(self, request: Any) -> Any:
        response = super().ReadResource(request)  # type: ignore[no-untyped-call]
        record = Registration(
            urn=response.urn,
            type=request.type,
            name=request.name,
            custom=True,
            parent=request.parent,
            provider_ref=request.provider,
            inputs=json_format.MessageToDict(request.properties),
            dependencies=tuple(request.dependencies),
            read=True,
            version=request.version,
            plugin_download_url=request.pluginDownloadURL,
        )
        with self._lock:
            self.registrations.append(record)
        return response

    def RegisterResourceOutputs(self, request: Any) -> Any:
        if qualified_type(request.urn) == ROOT_STACK_TYPE:
            with self._lock:
                self.stack_outputs = json_format.MessageToDict(request.outputs)
        return super().RegisterResourceOutputs(request)  # type: ignore[no-untyped-call]
