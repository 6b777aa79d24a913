"""The commands the documentation tells a user to run log in only to the federation's backend.

Only fenced code blocks are read (what a user copies and runs), so prose may still name what never
to do. Each `pulumi login <url>` / `--cloud-url <url>` / `PULUMI_BACKEND_URL=<url>` must be the
federation's backend (its primary container, or the replica site's twin for a takeover), or a
`file://` state (the bootstrap's one-time local state); `--local` is the same as `file://~`. A bare
`pulumi login` uses Pulumi.yaml's backend, which its own check covers. Setting `PULUMI_ACCESS_TOKEN`
(a Pulumi Cloud token) has no place in our commands; unsetting it does.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from pathlib import Path

from federation_catalogue import Catalogue

from sovcloud.project_checks.backend import backend_problem

_FENCE = re.compile(r"^\s*(```|~~~)")
_ACCESS_TOKEN = re.compile(r"\bPULUMI_ACCESS_TOKEN=")
_ENV_URL = re.compile(r"\bPULUMI_BACKEND_URL=(\"[^\"]*\"|'[^']*'|\S+)")


def doc_files(project_root: Path) -> list[Path]:
    found = [p for p in (project_root / "README.md",) if p.is_file()]
    docs = project_root / "docs"
    if docs.is_dir():
        found += sorted(docs.rglob("*.md"))
    return found


def code_lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number, line) of every line inside a fenced code block."""
    inside = False
    for number, line in enumerate(text.splitlines(), start=1):
        if _FENCE.match(line):
            inside = not inside
            continue
        if inside:
            yield number, line


def _login_urls(line: str) -> Iterator[str]:
    for match in _ENV_URL.finditer(line):
        yield match[1].strip("'\"")
    command = line.split("#", 1)[0]
    if "pulumi login" not in command:
        return
    try:
        words = shlex.split(command[command.index("pulumi login") :])
    except ValueError:
        words = command.split()
    args = words[2:]
    index = 0
    while index < len(args):
        word = args[index]
        if word in (";", "&&", "||", "|"):
            break
        if word in ("-c", "--cloud-url") and index + 1 < len(args):
            yield args[index + 1]
            index += 2
            continue
        if word.startswith("--cloud-url="):
            yield word.split("=", 1)[1]
        elif not word.startswith("-"):
            yield word
        index += 1


def login_problems(text: str, catalogue: Catalogue) -> Iterator[tuple[int, str]]:
    for number, line in code_lines(text):
        if _ACCESS_TOKEN.search(line):
            yield number, "uses PULUMI_ACCESS_TOKEN, a Pulumi Cloud token: log in to the federation's backend instead"
        for url in _login_urls(line):
            if url.startswith("file://") or "$" in url:
                continue  # the bootstrap's local state; a shell variable cannot be judged here
            problem = backend_problem(url, catalogue, allow_replica=True)
            if problem:
                yield number, f"login target: {problem}"
