"""The pack starts exactly as the CLI starts it, and imports nothing from the project."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import grpc
from google.protobuf import empty_pb2
from pulumi.runtime.proto import analyzer_pb2_grpc

from .harness import PACK_DIR, REPO

PROJECT_PACKAGES = {"components", "infra", "model", "sovcloud"}

# Runs `python -m pulumi.policy` after making the project's packages unimportable (the editable
# install would otherwise let a stray import work here and fail on a machine without the project).
BLOCKING_RUNNER = textwrap.dedent(
    """
    import importlib.abc, runpy, sys
    BLOCKED = {"components", "infra", "model", "sovcloud"}
    class Block(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ImportError(f"the policy pack must not import {name}")
            return None
    sys.meta_path.insert(0, Block())
    sys.argv = ["pulumi.policy", *sys.argv[1:]]
    runpy.run_module("pulumi.policy", run_name="__main__", alter_sys=True)
    """
)


def _serve(command: list[str]) -> None:
    env = {
        **os.environ,
        "PULUMI_PROJECT": "sovcloud",
        "PULUMI_STACK": "dev",
        "PULUMI_DRY_RUN": "true",
        "PULUMI_CONFIG": "{}",
        "PULUMI_ORGANIZATION": "organization",
    }
    env.pop("PYTHONPATH", None)
    process = subprocess.Popen(command, cwd=PACK_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.strip():
            process.kill()
            raise AssertionError(f"the pack printed no port: {process.communicate()[1].decode()}")
        port = int(line)
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            info = analyzer_pb2_grpc.AnalyzerStub(channel).GetAnalyzerInfo(empty_pb2.Empty(), timeout=30)
        assert info.name == "sovereign-cloud" and len(info.policies) >= 30
    finally:
        process.kill()
        process.wait()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def test_pack_starts_as_the_cli_starts_it() -> None:
    _serve([sys.executable, "-u", "-m", "pulumi.policy", "127.0.0.1:0", "."])


def test_pack_starts_with_the_project_packages_unimportable() -> None:
    _serve([sys.executable, "-u", "-c", BLOCKING_RUNNER, "127.0.0.1:0", str(PACK_DIR)])


def test_pack_sources_import_nothing_from_the_project() -> None:
    sources = [PACK_DIR / "__main__.py", *sorted(PACK_DIR.glob("sovereign_rules/**/*.py"))]
    for path in [*sources, *sorted((PACK_DIR / "federation_catalogue").glob("*.py"))]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in PROJECT_PACKAGES, f"{path.name} imports {name}"


def test_pack_is_a_standard_python_pack() -> None:
    import yaml

    manifest = yaml.safe_load((PACK_DIR / "PulumiPolicy.yaml").read_text(encoding="utf-8"))
    assert manifest["runtime"] == {"name": "python", "options": {"toolchain": "pip", "virtualenv": "venv"}}
    assert manifest["version"]
    pins = (PACK_DIR / "requirements.txt").read_text(encoding="utf-8").split()
    assert {"pulumi-policy==1.21.0", "pulumi==3.272.0", "pyyaml==6.0.3", "pydantic==2.13.4"} <= set(pins)


def test_the_repository_holds_one_catalogue() -> None:
    tracked = subprocess.run(["git", "ls-files", "*federation.yaml"], cwd=REPO, capture_output=True, text=True)
    assert tracked.stdout.split() == ["policies/federation_catalogue/federation.yaml"]


def test_rules_package_cannot_collide_with_project_packages() -> None:
    packages = {p.name for p in PACK_DIR.iterdir() if (p / "__init__.py").exists()}
    assert packages == {"sovereign_rules", "federation_catalogue"}
    assert not (Path(PACK_DIR) / "sovereign_rules" / "__init__.py").read_text().count("import sovcloud")
