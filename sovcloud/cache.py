"""The result cache: a stack's result stored under the hash of exactly its inputs (`sovcloud.inputs`).

An entry is only ever found again by a run whose inputs hash the same, so it cannot be stale; a
changed input is a different key, and the old entry is simply never read. Entries are written
whole (to a temporary file, then renamed), so a run killed half-way leaves no torn entry.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

from sovcloud.results import PolicyInfo, StackResult
from sovcloud.results.serial import plain, policy_from_dict, stack_from_dict, stack_to_dict

CACHE_DIR = Path(".sovcloud") / "cache"
FORMAT = "sovcloud-cache-1"


class ResultCache:
    """Stack results and pack descriptions on disk, one JSON file per key."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.hits = 0
        self.misses = 0

    def _path(self, kind: str, key: str) -> Path:
        return self.directory / kind / key[:2] / f"{key}.json"

    def _read(self, kind: str, key: str) -> dict[str, Any] | None:
        try:
            data = json.loads(self._path(kind, key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("key") != key:
            return None
        return data

    def _write(self, kind: str, key: str, data: dict[str, Any]) -> None:
        path = self._path(kind, key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False) as stream:
                json.dump({"format": FORMAT, "key": key, **data}, stream, ensure_ascii=False)
            os.replace(stream.name, path)
        except OSError:
            pass  # a cache that cannot be written only costs the next run its time

    def stack(self, key: str) -> StackResult | None:
        data = self._read("stacks", key)
        try:
            result = stack_from_dict(data["result"]) if data else None
        except (KeyError, TypeError, ValueError):
            result = None
        if result is None:
            self.misses += 1
        else:
            self.hits += 1
        return result

    def put_stack(self, key: str, result: StackResult) -> None:
        self._write("stacks", key, {"result": stack_to_dict(result)})

    def pack(self, key: str) -> tuple[str, str, list[PolicyInfo]] | None:
        data = self._read("packs", key)
        if data is None:
            return None
        try:
            return str(data["name"]), str(data["version"]), [policy_from_dict(p) for p in data["policies"]]
        except (KeyError, TypeError, ValueError):
            return None

    def put_pack(self, key: str, name: str, version: str, policies: list[PolicyInfo]) -> None:
        self._write("packs", key, {"name": name, "version": version, "policies": [plain(asdict(p)) for p in policies]})
