"""Offline checks on the project's files: state and secrets stay in the federation.

`check_project` reads Pulumi.yaml, every stack file and the docs' commands, without the Pulumi
runtime, and returns findings shaped like policy violations (file, key, mandatory):

- state-backend-in-federation: Pulumi.yaml `backend.url` is the catalogue's state backend;
- docs-log-in-to-federation: documented `pulumi login`s never go to Pulumi Cloud;
- secrets-provider-in-federation: each stack's secrets provider stays in the federation;
- stack-uses-no-esc-environment: no stack imports a Pulumi ESC environment;
- config-points-inside-federation: config values naming a service point inside the federation;
- no-plaintext-credential: nothing that looks like a credential is in plaintext.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from federation_catalogue import Catalogue

from sovcloud.project_checks.backend import backend_problem
from sovcloud.project_checks.docs import doc_files, login_problems
from sovcloud.project_checks.federation_hosts import FederationHosts, federation_hosts
from sovcloud.project_checks.located import Document, DocumentError, Leaf, leaves, load_document
from sovcloud.project_checks.outside_services import esc_problem, outside_problems
from sovcloud.project_checks.plaintext import plaintext_problem
from sovcloud.project_checks.secrets_provider import SALT_PENDING, provider_problems, salt_pending
from sovcloud.results import Finding, Level, PolicyInfo, Source, config_key
from sovcloud.results import builtin_policies as rules

__all__ = ["check_project"]

PROJECT_FILE = "Pulumi.yaml"


def _finding(rule: PolicyInfo, file: str, key: str | None, message: str) -> Finding:
    return Finding.of(rule, message, Source.PROJECT, file=file, key=key)


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def check_project(project_root: Path, stack_files: Sequence[Path], catalogue: Catalogue) -> list[Finding]:
    """Every finding about the project's backend, docs and stack files; empty when all is well."""
    hosts = federation_hosts(catalogue)
    found: list[Finding] = []
    project_name = "sovcloud"
    project_path = project_root / PROJECT_FILE
    try:
        project = load_document(project_path)
    except (OSError, DocumentError) as error:
        found.append(_finding(rules.STATE_BACKEND, PROJECT_FILE, None, f"cannot read {PROJECT_FILE}: {error}"))
    else:
        project_name = str(project.data.get("name") or project_name)
        found += _project_file(project, catalogue, hosts)
    for doc in doc_files(project_root):
        shown = _shown(doc, project_root)
        for line, message in login_problems(doc.read_text(encoding="utf-8"), catalogue):
            found.append(_finding(rules.DOCS_LOGIN, shown, f"line {line}", message))
    for path in stack_files:
        found += _stack_file(path, _shown(path, project_root), catalogue, hosts, project_name)
    return found


def _project_file(project: Document, catalogue: Catalogue, hosts: FederationHosts) -> list[Finding]:
    found: list[Finding] = []
    backend = project.data.get("backend")
    url = backend.get("url") if isinstance(backend, dict) else None
    problem = backend_problem(url if isinstance(url, str) else None, catalogue)
    if problem:
        found.append(_finding(rules.STATE_BACKEND, PROJECT_FILE, "backend.url", problem))
    # Project-level config (`config: {key: {default: ...}}` or `key: value`) reaches every stack.
    for leaf in leaves(project.node("config")):
        # `key: {type: string, default: ...}`: the value is named by the config key, not by `default`.
        named = leaf.path[:-1] if len(leaf.path) == 2 and leaf.path[-1] in ("default", "value") else leaf.path
        name = next((p for p in reversed(named) if isinstance(p, str)), None)
        found += _value_findings(leaf, PROJECT_FILE, f"config.{config_key(leaf.path)}", catalogue, hosts, name)
    return found


def _stack_file(
    path: Path, shown: str, catalogue: Catalogue, hosts: FederationHosts, project_name: str
) -> list[Finding]:
    try:
        document = load_document(path)
    except (OSError, DocumentError) as error:
        return [_finding(rules.SECRETS_PROVIDER, shown, None, f"cannot read the stack file: {error}")]
    if salt_pending(document):
        stack = path.name.removeprefix("Pulumi.").removesuffix(".yaml")
        note = SALT_PENDING.format(stack=stack)  # a note: `pulumi stack init` writes the salt
        found = [
            Finding.of(
                rules.SECRETS_PROVIDER, note, Source.PROJECT, level=Level.ADVISORY, file=shown, key="encryptionsalt"
            )
        ]
    else:
        found = [_finding(rules.SECRETS_PROVIDER, shown, key, message) for key, message in provider_problems(document)]
    if "environment" in document.data:
        found.append(
            _finding(rules.NO_ESC_ENVIRONMENT, shown, "environment", esc_problem(document.data["environment"]))
        )
    for leaf in leaves(document.node("config")):
        found += _value_findings(leaf, shown, config_key(leaf.path, project_name), catalogue, hosts)
    return found


def _value_findings(
    leaf: Leaf, file: str, key: str, catalogue: Catalogue, hosts: FederationHosts, name: str | None = None
) -> list[Finding]:
    found: list[Finding] = []
    credential = plaintext_problem(leaf, name)
    if credential:
        found.append(_finding(rules.NO_PLAINTEXT_CREDENTIAL, file, key, credential))
    for message in outside_problems(leaf, hosts, catalogue):
        found.append(_finding(rules.CONFIG_INSIDE_FEDERATION, file, key, message))
    return found
