"""`--changed-since REF`: which stacks a change touches, and what it does to their resources.

Changed files are git's answer for REF against the work tree (committed, staged, unstaged and
untracked files alike). A stack is touched when one of its inputs (see `sovcloud.inputs`) is among
them, or when it reads a touched stack. What the change does is the difference between the
resources the stack declares now and those it declared at REF, run from REF's own files.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from sovcloud.inputs import TOOL_DIR, pack_paths, tool_paths
from sovcloud.results import ResourceChange, ResourceRecord, StackChange

STACK_TYPE = "pulumi:pulumi:Stack"


class GitError(ValueError):
    """REF is not a commit of the project's repository, or git is missing: one line saying which."""


def _git(root: Path, *args: str) -> bytes:
    try:
        completed = subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False)
    except FileNotFoundError:
        raise GitError("--changed-since needs git, which is not installed") from None
    if completed.returncode != 0:
        message = completed.stderr.decode(errors="replace").strip().splitlines()
        raise GitError(f"git {' '.join(args)}: {message[-1] if message else 'failed'}")
    return completed.stdout


def repository_top(root: Path) -> Path:
    return Path(_git(root, "rev-parse", "--show-toplevel").decode().strip()).resolve()


def changed_files(root: Path, ref: str) -> set[Path]:
    """Absolute paths of every file that differs between REF and the work tree (untracked included)."""
    top = repository_top(root)
    _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    names = _git(top, "diff", "--name-only", "--no-renames", "-z", ref, "--").split(b"\0")
    names += _git(top, "ls-files", "--others", "--exclude-standard", "-z").split(b"\0")
    return {(top / name.decode()).resolve() for name in names if name}


@dataclass(frozen=True)
class InputFiles:
    """The files of each kind of input, to name a change by what it touched."""

    program: frozenset[Path]
    pack: frozenset[Path]
    tool: frozenset[Path]
    program_dirs: tuple[Path, ...]
    pack_dir: Path

    @classmethod
    def of(cls, program_files: Iterable[Path], program_dirs: Sequence[Path], pack_dir: Path) -> InputFiles:
        return cls(
            program=frozenset(p.resolve() for p in program_files),
            pack=frozenset(p.resolve() for p in pack_paths(pack_dir)),
            tool=frozenset(p.resolve() for p in tool_paths()),
            program_dirs=tuple(d.resolve() for d in program_dirs),
            pack_dir=pack_dir.resolve(),
        )

    def shared(self, changed: Iterable[Path]) -> list[Path]:
        """Changed files every stack reads: program code, the pack, the command's engine (deleted ones too)."""
        return sorted(p for p in changed if p in self.program or p in self.pack or p in self.tool or self._under(p))

    def _under(self, path: Path) -> bool:
        """A deleted file has no content to list, so it counts by where it was."""
        if path.exists():
            return False
        roots = (*self.program_dirs, self.pack_dir, TOOL_DIR)
        return any(path.is_relative_to(r) for r in roots)


def touched_inputs(
    stack_files: Mapping[str, Path], changed: set[Path], shared: Sequence[Path], root: Path
) -> dict[str, list[str]]:
    """Per stack, the changed inputs it reads itself (its stack file and the shared code), project-relative."""

    def shown(path: Path) -> str:
        try:
            return path.relative_to(root.resolve()).as_posix()
        except ValueError:
            return str(path)

    common = [shown(p) for p in shared]
    touched: dict[str, list[str]] = {}
    for stack, path in stack_files.items():
        own = [shown(path.resolve())] if path.resolve() in changed else []
        if own or common:
            touched[stack] = own + common
    return touched


def extract_base(root: Path, ref: str, target: Path) -> Path:
    """REF's tree of the repository under `target`; returns where the project root is in it."""
    top = repository_top(root)
    archive = _git(top, "archive", "--format=tar", ref)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target / root.resolve().relative_to(top)


def describe_change(
    inputs: Sequence[str], now: Sequence[ResourceRecord], base: Sequence[ResourceRecord] | None, base_error: str = ""
) -> StackChange:
    """Resources added, removed and changed (with the inputs that differ) from `base` to `now`."""
    if base is None:
        return StackChange(inputs=tuple(inputs), new_stack=not base_error, base_error=base_error)
    before = {r.urn: r for r in base if r.type != STACK_TYPE}
    after = {r.urn: r for r in now if r.type != STACK_TYPE}

    def entry(record: ResourceRecord, keys: tuple[str, ...] = ()) -> ResourceChange:
        return ResourceChange(urn=record.urn, type=record.type, name=record.name, inputs=keys)

    changed: list[ResourceChange] = []
    for urn in sorted(before.keys() & after.keys()):
        old, new = before[urn].inputs, after[urn].inputs
        keys = tuple(sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k)))
        if keys:
            changed.append(entry(after[urn], keys))
    return StackChange(
        inputs=tuple(inputs),
        added=tuple(entry(after[u]) for u in sorted(after.keys() - before.keys())),
        removed=tuple(entry(before[u]) for u in sorted(before.keys() - after.keys())),
        changed=tuple(changed),
    )
