"""Which Python interpreter the Pulumi CLI would start, for the pack and for dynamic providers.

Both resolve a `virtualenv` runtime option, each against its own directory:

- a policy pack: `runtime.options.virtualenv` of `PulumiPolicy.yaml`, against the pack's directory;
  an analyzer gets no default virtualenv (`parseOptions(..., isPlugin=false)` in `RunPlugin`,
  pulumi/pulumi `sdk/python/cmd/pulumi-language-python/main.go`), so without the option it is
  whatever `python3` is on `PATH`; the path join is `resolveVirtualEnvironmentPath`
  (`sdk/python/toolchain/pip.go`), the environment `ActivateVirtualEnv` (`toolchain.go`);
- a dynamic provider: the engine passes the project's runtime options as `PULUMI_RUNTIME_<KEY>`
  (`sdk/go/common/resource/plugin/provider_plugin.go`) and starts `pulumi-resource-pulumi-python`
  in the program directory; that shim makes a relative `PULUMI_RUNTIME_VIRTUALENV` absolute against
  `$PWD` (`sdk/python/dist/pulumi-resource-pulumi-python`), else runs `PULUMI_PYTHON_CMD` or `python3`.

A virtualenv that is named but missing is an error saying how to create it, never a silent fallback
to another interpreter: that fallback is exactly what fails on a user's machine.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


class MissingVirtualenvError(RuntimeError):
    """A `virtualenv` runtime option names a directory that is not a virtual environment."""

    def __init__(self, manifest: Path, option: str, venv: Path, requirements: Path) -> None:
        state = "is not a virtual environment" if venv.exists() else "does not exist"
        super().__init__(
            f"{manifest}: runtime.options.virtualenv is {option!r}, but {venv} {state}; create it with\n"
            f"    python3 -m venv {venv} && {venv}/bin/pip install -r {requirements}"
        )
        self.manifest, self.venv = manifest, venv


@dataclass(frozen=True)
class Interpreter:
    """The command to start and the environment to start it in."""

    python: str
    virtualenv: Path | None
    sets_virtual_env: bool = True  # the language host does (`ActivateVirtualEnv`), the shell shim does not

    def environment(self, base: Mapping[str, str]) -> dict[str, str]:
        """The venv's bin first on PATH, PYTHONHOME dropped, VIRTUAL_ENV set when the starter sets it."""
        if self.virtualenv is None:
            return dict(base)
        env = {k: v for k, v in base.items() if k != "PYTHONHOME"}
        env["PATH"] = os.pathsep.join(filter(None, [str(self.virtualenv / "bin"), base.get("PATH", "")]))
        if self.sets_virtual_env:
            env["VIRTUAL_ENV"] = str(self.virtualenv)
        return env


def _venv_python(venv: Path) -> Path | None:
    python = venv / "bin" / "python"
    return python if python.is_file() else None


def runtime_options(manifest: Path) -> dict[str, Any]:
    """`runtime.options` of a Pulumi.yaml or PulumiPolicy.yaml (empty for a bare `runtime: python`)."""
    document = yaml.safe_load(manifest.read_text(encoding="utf-8")) or {}
    runtime = document.get("runtime") if isinstance(document, dict) else None
    options = runtime.get("options") if isinstance(runtime, dict) else None
    return dict(options) if isinstance(options, dict) else {}


def _ambient(command: str) -> Interpreter:
    return Interpreter(python=shutil.which(command) or command, virtualenv=None)


def pack_interpreter(pack_dir: Path) -> Interpreter:
    """The interpreter `pulumi preview --policy-pack DIR` starts the pack with."""
    manifest = pack_dir / "PulumiPolicy.yaml"
    option = runtime_options(manifest).get("virtualenv")
    if not option:
        return _ambient("python3")
    venv = (pack_dir / str(option)).resolve()
    python = _venv_python(venv)
    if python is None:
        raise MissingVirtualenvError(manifest, str(option), venv, pack_dir / "requirements.txt")
    return Interpreter(python=str(python), virtualenv=venv)


def dynamic_provider_interpreter(
    project_file: Path, program_dir: Path, environ: Mapping[str, str] | None = None
) -> Interpreter:
    """The interpreter `pulumi-resource-pulumi-python` runs `-m pulumi.dynamic` with, in `program_dir`."""
    environ = os.environ if environ is None else environ
    option = str(runtime_options(project_file).get("virtualenv") or environ.get("PULUMI_RUNTIME_VIRTUALENV") or "")
    if not option:
        return _ambient(environ.get("PULUMI_PYTHON_CMD") or "python3")
    venv = Path(option.rstrip("/"))
    venv = venv if venv.is_absolute() else program_dir / venv
    python = _venv_python(venv)
    if python is None:
        raise MissingVirtualenvError(project_file, option, venv, program_dir / "requirements.txt")
    return Interpreter(python=str(python), virtualenv=venv, sets_virtual_env=False)
