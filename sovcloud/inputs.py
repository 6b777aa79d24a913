"""What a stack's verdict depends on, as content hashes: the key of the result cache and the reading
of a change (`--changed-since`).

A stack's inputs are its stack file, the code its program runs (the program directory's entry point,
`infra/`, `components/`, `model/`, the dependency lock), the policy pack (rules, catalogue, its
lock) with its config, and this command's own engine; plus the inputs of every stack it reads
(a tenant reads the platform's exports). Nothing else enters a verdict, so two runs with equal keys
give equal results, and a changed file names exactly the stacks to check again.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from sovcloud.engine.stack_files import Project, StackFile

# The program's code, relative to the program directory (`Pulumi.yaml` main, the project root).
PROGRAM_INPUTS = ("__main__.py", "infra", "components", "model", "requirements.txt", "pyproject.toml")
SKIPPED_PARTS = {"venv", ".venv", "__pycache__", "node_modules", ".mypy_cache", ".ruff_cache", ".pytest_cache"}
# This command's own code that decides a verdict (reports only render it).
TOOL_DIR = Path(__file__).resolve().parent
TOOL_SKIPPED = {"report", "commands"}
KEY_VERSION = "1"
PLATFORM_READERS = {"tenant": "platformStack"}  # kind -> config field naming the stack it reads
DEFAULT_READ_STACK = "platform"


def _files(path: Path) -> Iterator[Path]:
    if path.is_file():
        yield path
    elif path.is_dir():
        for child in sorted(path.rglob("*")):
            if child.is_file() and not SKIPPED_PARTS & set(child.relative_to(path).parts) and child.suffix != ".pyc":
                yield child


def _digest(paths: Iterable[Path], base: Path) -> str:
    sha = hashlib.sha256()
    for path in paths:
        try:
            shown = path.relative_to(base).as_posix()
        except ValueError:
            shown = path.as_posix()
        sha.update(shown.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return sha.hexdigest()


def _file_digest(path: Path) -> str:
    """A stack file's content hash; a path that is no regular file (a pipe, a directory) is never read."""
    if not path.is_file():
        return f"not a regular file: {path}"
    return hashlib.sha256(path.read_bytes()).hexdigest()


def program_dir(project: Project) -> Path:
    return project.main if project.main.is_dir() else project.main.parent


def program_paths(project: Project) -> list[Path]:
    """The files the program runs (entry point, program, components, model, dependency lock)."""
    base = program_dir(project)
    return [p for name in PROGRAM_INPUTS for p in _files(base / name)]


def pack_paths(pack_dir: Path) -> list[Path]:
    return list(_files(pack_dir))


def tool_paths() -> list[Path]:
    return [p for p in _files(TOOL_DIR) if p.relative_to(TOOL_DIR).parts[0] not in TOOL_SKIPPED]


@dataclass(frozen=True)
class CodeInputs:
    """The inputs every stack shares, hashed once per run."""

    program: str
    pack: str
    pack_config: str
    tool: str
    policies_enabled: bool

    @classmethod
    def of(cls, project: Project, pack_dir: Path, pack_config: Path | None, policies_enabled: bool) -> CodeInputs:
        return cls(
            program=_digest(program_paths(project), program_dir(project))
            + _digest([project.root / "Pulumi.yaml"], project.root),
            pack=_digest(pack_paths(pack_dir), pack_dir),
            pack_config=_digest([pack_config], pack_config.parent) if pack_config else "",
            tool=_digest(tool_paths(), TOOL_DIR) + sys.version,
            policies_enabled=policies_enabled,
        )

    def pack_key(self) -> str:
        """The key of what the pack says about itself (name, version, policies as configured)."""
        return _hash(["pack", KEY_VERSION, self.pack, self.pack_config, self.tool])


def _hash(parts: Sequence[object]) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def reads(stack_file: StackFile, project: str, stacks: Iterable[str]) -> list[str]:
    """The stacks this one reads through a StackReference (a tenant: its platform stack), among `stacks`."""
    kind = stack_file.config.get(f"{project}:kind", "")
    field = PLATFORM_READERS.get(kind)
    if field is None:
        return []
    try:
        document = json.loads(stack_file.config.get(f"{project}:{kind}", "{}"))
    except ValueError:
        document = {}
    named = document.get(field) if isinstance(document, dict) else None
    target = str(named).rsplit("/", 1)[-1] if isinstance(named, str) and named else DEFAULT_READ_STACK
    return [target] if target in set(stacks) and target != stack_file.stack else []


def dependencies(files: Sequence[StackFile], project: str) -> dict[str, list[str]]:
    names = [f.stack for f in files]
    return {f.stack: reads(f, project, names) for f in files}


def stack_keys(files: Sequence[StackFile], project: str, code: CodeInputs) -> dict[str, str]:
    """Each stack's cache key: its own inputs, the shared code, and the keys of the stacks it reads."""
    depends = dependencies(files, project)
    own = {f.stack: _file_digest(f.path) for f in files}
    keys: dict[str, str] = {}

    def key(stack: str, seen: tuple[str, ...] = ()) -> str:
        if stack not in keys:
            if stack in seen:
                raise ValueError(f"stacks read each other in a cycle: {' -> '.join((*seen, stack))}")
            read = sorted(key(d, (*seen, stack)) for d in depends[stack])
            keys[stack] = _hash(
                [
                    "stack",
                    KEY_VERSION,
                    stack,
                    project,
                    own[stack],
                    code.program,
                    code.pack,
                    code.pack_config,
                    code.tool,
                    code.policies_enabled,
                    read,
                ]
            )
        return keys[stack]

    for f in files:
        key(f.stack)
    return keys


def dependants_closure(changed: Iterable[str], depends: Mapping[str, Sequence[str]]) -> set[str]:
    """The changed stacks and every stack that reads one of them, directly or not."""
    found = set(changed)
    grew = True
    while grew:
        grew = False
        for stack, read in depends.items():
            if stack not in found and found & set(read):
                found.add(stack)
                grew = True
    return found
