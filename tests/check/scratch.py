"""A scratch project holding its own copy of every input a stack's verdict depends on (program,
components, model, dependency lock, the pack with its catalogue, stack files), in a git repository,
so a test can change one input and see which stacks a check runs again."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from sovcloud.check import CheckOptions, run_check
from sovcloud.results import CheckResult, StackResult

ROOT = Path(__file__).resolve().parents[2]
CODE = ("__main__.py", "Pulumi.yaml", "requirements.txt", "infra", "components", "model")
IGNORED = shutil.ignore_patterns("venv", "__pycache__", "*.pyc")


def git(project: Path, *args: str) -> str:
    completed = subprocess.run(["git", "-C", str(project), *args], capture_output=True, text=True, check=True)
    return completed.stdout


@dataclass
class Scratch:
    root: Path
    cache: Path
    ran: list[str] = field(default_factory=list)

    @classmethod
    def make(cls, tmp_path: Path, stacks: list[str]) -> Scratch:
        root = tmp_path / "project"
        root.mkdir()
        for name in CODE:
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(source, root / name, ignore=IGNORED)
            else:
                shutil.copy(source, root / name)
        shutil.copytree(ROOT / "policies", root / "policies", ignore=IGNORED)
        (root / "stacks").mkdir()
        for stack in stacks:
            shutil.copy(ROOT / "stacks" / f"Pulumi.{stack}.yaml", root / "stacks")
        git(root, "init", "-q", "-b", "main")
        git(root, "add", "-A")
        git(root, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "base")
        return cls(root, tmp_path / "cache")

    def check(self, *, use_cache: bool = True, policies: bool = False, **options: object) -> CheckResult:
        """A check (programs only unless `policies`); `ran` lists the stacks whose program ran."""
        self.ran = []

        def progress(event: str, stack: str, _: StackResult | None) -> None:
            if event == "start":
                self.ran.append(stack)

        return run_check(
            CheckOptions(
                project_root=self.root,
                policies_enabled=policies,
                progress=progress,
                cache_dir=self.cache,
                use_cache=use_cache,
                jobs=1,
                **options,  # type: ignore[arg-type]
            )
        )

    def append(self, relative: str, text: str) -> None:
        with (self.root / relative).open("a", encoding="utf-8") as stream:
            stream.write(text)

    def edit_stack(self, stack: str, key: str, value: object) -> None:
        path = self.root / "stacks" / f"Pulumi.{stack}.yaml"
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        section = next(v for k, v in document["config"].items() if k.startswith("sovcloud:") and k != "sovcloud:kind")
        section[key] = value
        path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
