"""Start a policy pack the way the Pulumi CLI does, and read the port it serves on.

`python -u -m pulumi.policy ENGINE_ADDRESS PACK_DIR`, working directory the pack, with the
engine's environment (`PULUMI_PROJECT`, `PULUMI_STACK`, `PULUMI_DRY_RUN`, `PULUMI_CONFIG`,
`PULUMI_ORGANIZATION`). `PolicyPack(...)` binds 127.0.0.1:0 and prints the port as its first line.
"""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import yaml

ENGINE_ADDRESS = "127.0.0.1:0"  # the pack never calls back into the engine
START_TIMEOUT_SECONDS = 60.0


class PolicyPackStartError(RuntimeError):
    """The pack process exited or printed no port."""


@dataclass(frozen=True)
class PackManifest:
    """What PulumiPolicy.yaml says (the CLI takes the version from here, not from the SDK)."""

    runtime: str
    version: str
    description: str


def read_manifest(pack_dir: Path) -> PackManifest:
    path = pack_dir / "PulumiPolicy.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise PolicyPackStartError(f"{path}: cannot read the policy pack manifest ({error})") from error
    if not isinstance(data, dict):
        raise PolicyPackStartError(f"{path}: expected a mapping with runtime and version")
    runtime = data.get("runtime")
    runtime_name = runtime.get("name") if isinstance(runtime, dict) else runtime
    if runtime_name != "python":
        raise PolicyPackStartError(f"{path}: runtime is {runtime_name!r}; only 'python' packs can be run here")
    return PackManifest(
        runtime=str(runtime_name),
        version=str(data.get("version") or ""),
        description=str(data.get("description") or ""),
    )


def pack_environment(
    *, project: str, stack: str, config: Mapping[str, str] | None = None, organization: str = "organization"
) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "PULUMI_PROJECT": project,
            "PULUMI_STACK": stack,
            "PULUMI_DRY_RUN": "true",
            "PULUMI_CONFIG": json.dumps(dict(config or {})),
            "PULUMI_ORGANIZATION": organization,
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


class PackProcess:
    """A running policy pack: its process, its port, its stderr for error messages."""

    def __init__(
        self,
        pack_dir: Path,
        *,
        env: Mapping[str, str],
        python: str = sys.executable,
        timeout: float = START_TIMEOUT_SECONDS,
    ) -> None:
        self.pack_dir = pack_dir.resolve()
        self._stderr: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the process)
        self.process = subprocess.Popen(
            [python, "-u", "-m", "pulumi.policy", ENGINE_ADDRESS, str(self.pack_dir)],
            cwd=self.pack_dir,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
        )
        try:
            self.port = self._read_port(timeout)
        except BaseException:
            self.close()
            raise
        assert self.process.stdout is not None
        # Keep draining stdout (policies may print) so the pack never blocks on a full pipe.
        threading.Thread(target=self._drain, args=(self.process.stdout,), daemon=True).start()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def stderr_text(self) -> str:
        self._stderr.flush()
        self._stderr.seek(0)
        return self._stderr.read().decode("utf-8", errors="replace")

    def _read_port(self, timeout: float) -> int:
        stdout = self.process.stdout
        assert stdout is not None
        deadline = time.monotonic() + timeout
        buffer = b""
        with selectors.DefaultSelector() as selector:
            selector.register(stdout, selectors.EVENT_READ)
            while b"\n" not in buffer:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise PolicyPackStartError(f"{self.pack_dir}: the policy pack printed no port within {timeout}s")
                if not selector.select(remaining):
                    continue
                chunk = os.read(stdout.fileno(), 4096)
                if not chunk:
                    self.process.wait(timeout=5)
                    raise PolicyPackStartError(
                        f"{self.pack_dir}: the policy pack exited with code {self.process.returncode} before "
                        f"serving:\n{self.stderr_text().strip()}"
                    )
                buffer += chunk
        line = buffer.split(b"\n", 1)[0].strip()
        try:
            return int(line)
        except ValueError as error:
            raise PolicyPackStartError(f"{self.pack_dir}: expected a port, the pack printed {line!r}") from error

    @staticmethod
    def _drain(stream: IO[bytes]) -> None:
        try:
            while stream.read(65536):
                pass
        except (OSError, ValueError):
            pass

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        if self.process.stdout is not None:
            self.process.stdout.close()
        self._stderr.close()
