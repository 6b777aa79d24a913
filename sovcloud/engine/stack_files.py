"""Stack files as the CLI reads them: `stacks/Pulumi.<stack>.yaml` and the config the program sees."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from federation_catalogue.errors import ConfigError

from model.bounded_text import UnreadableFile
from model.safe_yaml import load_yaml_file
from model.stack_file import read_stack_document, stack_name

SECRET_PLACEHOLDER = "[secret]"


@dataclass(frozen=True)
class Project:
    """The parts of Pulumi.yaml the offline run needs."""

    root: Path
    name: str
    main: Path  # `main` resolved against the root; the root itself when Pulumi.yaml has none
    stack_config_dir: Path
    backend_url: str | None
    runtime_options: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, root: Path) -> Project:
        document = load_yaml_file(root / "Pulumi.yaml", shown="Pulumi.yaml") or {}
        if not isinstance(document, dict) or not isinstance(document.get("name"), str):
            raise UnreadableFile("Pulumi.yaml", "is not a Pulumi project file (no `name:`)")
        backend = document.get("backend") or {}
        runtime = document.get("runtime")
        options = runtime.get("options") if isinstance(runtime, dict) else None
        return cls(
            root=root,
            name=str(document["name"]),
            main=root / str(document.get("main") or "."),
            stack_config_dir=root / str(document.get("stackConfigDir") or "."),
            backend_url=backend.get("url") if isinstance(backend, dict) else None,
            runtime_options=dict(options) if isinstance(options, dict) else {},
        )

    @property
    def program_dir(self) -> Path:
        """The language host's working directory (`getPwdMain` in pulumi/pulumi `pkg/engine/project.go`):
        `main` when it names a directory, the directory holding `main` when it names a file, else the root."""
        return self.main if self.main.is_dir() else self.main.parent

    @property
    def entry_point(self) -> str:
        """What the language host hands `runpy.run_path`, relative to the program directory."""
        return "." if self.main.is_dir() else self.main.name

    @property
    def virtualenv(self) -> Path | None:
        """The program's virtualenv: `runtime.options.virtualenv` resolved against the project root
        (`resolveVirtualEnvironmentPath` in pulumi/pulumi `sdk/python/toolchain/pip.go`)."""
        option = self.runtime_options.get("virtualenv")
        return self.root / str(option) if option else None


@dataclass(frozen=True)
class StackFile:
    """One stack file and the config the engine would hand the program (`PULUMI_CONFIG` form)."""

    stack: str
    path: Path
    config: dict[str, str] = field(default_factory=dict)  # project:key -> string (structured = JSON)
    secret_keys: tuple[str, ...] = ()
    document: dict[str, Any] = field(default_factory=dict)
    # Why the file cannot be run: it could not be read within the limits, or the engine would refuse it.
    error: UnreadableFile | ConfigError | None = None


def _as_config_string(value: Any) -> str:
    """What the engine passes: strings as they are, booleans lowercase, structures as JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def _strip_secure(value: Any, path: str, secrets: list[str]) -> Any:
    """Replace `secure:` ciphertexts by a placeholder: offline there is no passphrase to decrypt them."""
    if isinstance(value, dict):
        if set(value) == {"secure"}:
            secrets.append(path)
            return SECRET_PLACEHOLDER
        return {k: _strip_secure(v, f"{path}.{k}", secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [_strip_secure(v, f"{path}[{i}]", secrets) for i, v in enumerate(value)]
    return value


def load_stack_file(path: Path, project: str, *, shown: str | None = None) -> StackFile:
    """The stack file and its config; a file that cannot be read or run carries its `error` instead."""
    stack = stack_name(path)
    try:
        document = read_stack_document(path, shown=shown)
    except (UnreadableFile, ConfigError) as error:
        return StackFile(stack=stack, path=path, error=error)
    raw_config = document.get("config") or {}
    config: dict[str, str] = {}
    secret_keys: list[str] = []
    for key, value in raw_config.items() if isinstance(raw_config, dict) else []:
        full_key = key if ":" in key else f"{project}:{key}"
        nested_secrets: list[str] = []
        plain = _strip_secure(value, full_key, nested_secrets)
        if nested_secrets:
            secret_keys.append(full_key)
        config[full_key] = _as_config_string(plain)
    return StackFile(stack=stack, path=path, config=config, secret_keys=tuple(secret_keys), document=document)


def discover_stacks(stack_dir: Path, project: str, names: list[str] | None = None) -> list[StackFile]:
    """Every `Pulumi.<stack>.yaml` (platform first, then by name), or just the named ones."""
    if names:
        paths = []
        for name in names:
            candidate = Path(name)
            if not candidate.suffix:
                candidate = stack_dir / f"Pulumi.{name}.yaml"
            if not candidate.exists():  # a pipe or a directory is reported by the reader, not opened here
                raise FileNotFoundError(f"no stack file {candidate} (stacks live in {stack_dir})")
            paths.append(candidate)
    else:
        paths = sorted(stack_dir.glob("Pulumi.*.yaml"))
    files = [load_stack_file(path, project) for path in paths]
    return sorted(files, key=lambda f: (f.stack != "platform", f.stack))
