"""Kubernetes supply chain: images only from the site registries, charts only from the federation.

A bare `nginx` is `docker.io/library/nginx`; allow-list entries end with `/`, so
`registry.eu-lu-1.sov.internal.evil.example/x` does not pass. Helm releases and charts name an
OCI chart repository of a site (or a local chart directory); a `repo/chart` reference without
repositoryOpts resolves through the operator's local Helm configuration and cannot be verified.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

from pulumi_policy import Severity

from .core.catalogue import Catalogue, sites_of, with_separator
from .core.framework import MANDATORY, Check, Resource, Rule
from .core.references import SUPPLY_CHAIN
from .core.values import Unknown, dotted, get, items, text, walk

CONTAINER_LISTS: Final = ("containers", "initContainers", "ephemeralContainers")
HELM_RELEASE: Final = "kubernetes:helm.sh/v3:Release"
HELM_CHART: Final = "kubernetes:helm.sh/v4:Chart"


def registries(catalogue: Catalogue) -> list[str]:
    return [with_separator(s.container_registry) for s in sites_of(catalogue)]


def _images(r: Resource) -> Iterator[str]:
    allowed = registries(r.catalogue)
    for path, node in walk(r.props):
        for key in CONTAINER_LISTS:
            if key not in node:
                continue
            containers = items(node[key])
            where = dotted((*path, key))
            if isinstance(containers, Unknown):
                yield f"{where} could not be verified during preview (unknown value)"
                continue
            for index, container in enumerate(containers):
                image = get(container, "image")
                if image is None:
                    continue
                label = f"{where}[{index}].image"
                if isinstance(image, Unknown):
                    yield f"{label} could not be verified during preview (unknown value)"
                elif not isinstance(image, str) or not any(image.strip().startswith(p) for p in allowed):
                    yield f"{label} {image!r} is not from a site registry ({', '.join(allowed)})"


def _images_fallback(resource_type: str) -> Check | None:
    return _images if resource_type.startswith("kubernetes:") else None


def _chart_repositories(catalogue: Catalogue) -> list[str]:
    return [with_separator(s.chart_repository) for s in sites_of(catalogue)]


def _remote(reference: str) -> bool:
    return "://" in reference


def _chart(r: Resource) -> Iterator[str]:
    allowed = _chart_repositories(r.catalogue)
    chart = r.props.get("chart")
    repo: Any = get(r.props, "repositoryOpts", "repo")
    if isinstance(chart, Unknown):
        yield "chart could not be verified during preview (unknown value)"
        return
    if isinstance(repo, Unknown):
        yield "repositoryOpts.repo could not be verified during preview (unknown value)"
        return
    reference = text(chart)
    if not isinstance(reference, str):
        yield "chart is missing, so its origin cannot be verified"
        return
    repository = text(repo)
    if isinstance(repository, str):
        if not any(with_separator(repository).startswith(p) for p in allowed):
            yield f"repositoryOpts.repo {repository!r} is not a federation chart repository ({', '.join(allowed)})"
        if _remote(reference) and not any(reference.startswith(p) for p in allowed):
            yield f"chart {reference!r} is not in a federation chart repository"
        return
    if _remote(reference):
        if not any(reference.startswith(p) for p in allowed):
            yield f"chart {reference!r} is not in a federation chart repository ({', '.join(allowed)})"
        return
    if reference.startswith(("./", "../", "/")) or "/" not in reference:
        return  # a chart directory shipped with the program
    yield (
        f"chart {reference!r} names a Helm repository alias from the operator's local configuration, "
        "which could not be verified; use an oci:// reference to a federation chart repository"
    )


RULES: Final = [
    Rule(
        name="container-image-from-site-registry",
        description="Containers and init containers only pull images from a site registry.",
        severity=Severity.CRITICAL,
        enforcement=MANDATORY,
        tags=("egress", "supply-chain", "kubernetes"),
        framework=SUPPLY_CHAIN,
        remediation=(
            "Mirror the image into the site registry and reference it as "
            "registry.<region>.sov.internal/<path>:<tag> (a bare name comes from Docker Hub)."
        ),
        fallback=_images_fallback,
    ),
    Rule(
        name="helm-chart-from-federation-repository",
        description="Helm releases and charts come from a federation chart repository or the program itself.",
        severity=Severity.CRITICAL,
        enforcement=MANDATORY,
        tags=("egress", "supply-chain", "kubernetes"),
        framework=SUPPLY_CHAIN,
        remediation="Push the chart to the site's chart_repository (federation.yaml) and reference it with oci://.",
        checks={HELM_RELEASE: _chart, HELM_CHART: _chart},
    ),
]
