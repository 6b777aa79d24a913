"""EU-only placement: every provider and every resource resolves to an EU site of the catalogue.

Providers: region and identity endpoint agree on one site (Kubernetes: the kubeconfig's server
and context). Resources: a resource-level `region` overrides the provider's and must belong to
the provider's site; zones and zone hints belong to that site; object-storage sync targets are
endpoints of EU sites; Kubernetes workloads are pinned, by a required node
affinity or a nodeSelector on `topology.kubernetes.io/region`, to catalogue regions only
(`NotIn` and preferred affinities pin nothing).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

from pulumi_policy import Severity

from .core.catalogue import kubernetes_regions, sites_of, with_separator
from .core.framework import ADVISORY, MANDATORY, Check, Provider, Resource, Rule, framework
from .core.references import EU_PLACEMENT
from .core.sites import Site, provider_placement, resource_placement
from .core.values import UNKNOWN, Unknown, dotted, get, items, mapping, text, walk

REGION_LABEL: Final = "topology.kubernetes.io/region"
WORKLOADS: Final = frozenset(
    f"kubernetes:{group}:{kind}"
    for group, kind in (
        ("core/v1", "Pod"),
        ("core/v1", "ReplicationController"),
        ("apps/v1", "Deployment"),
        ("apps/v1", "StatefulSet"),
        ("apps/v1", "DaemonSet"),
        ("apps/v1", "ReplicaSet"),
        ("batch/v1", "Job"),
        ("batch/v1", "CronJob"),
    )
)
PATCHES: Final = frozenset(f"{t}Patch" for t in WORKLOADS)
REPLICA_LOCATION = framework(
    "SecNumCloud", "12.5.d", "Replicas and backups follow the data's location rules (also BSI C5 PSS-12)."
)


def _providers(r: Resource) -> Iterator[str]:
    yield from provider_placement(Provider(r.type, r.name, r.urn, r.props), r.catalogue).reasons


def _resource_placed(r: Resource) -> Iterator[str]:
    yield from resource_placement(r)[1]


def _placed_fallback(resource_type: str) -> Check | None:
    if resource_type.startswith(("openstack:", "kubernetes:")):
        return _resource_placed
    return None


def _zone_problem(value: Any, site: Site | None, r: Resource, what: str) -> str | None:
    if isinstance(value, Unknown):
        return f"{what} could not be verified during preview (unknown value)"
    zone = text(value)
    if zone is None:
        return None
    zone = str(zone).split(":", 1)[0]  # Nova's zone:host:node form
    sites = [site] if site is not None else list(sites_of(r.catalogue))
    if any(zone in s.availability_zones for s in sites):
        return None
    where = f"site {site.key} ({', '.join(site.availability_zones)})" if site else "any EU catalogue site"
    return f"{what} {zone!r} is not an availability zone of {where}"


def _zones(r: Resource) -> Iterator[str]:
    site, _ = resource_placement(r)
    candidates: list[tuple[Any, str]] = [(r.props.get("availabilityZone"), "availabilityZone")]
    hints = r.props.get("availabilityZoneHints")
    if isinstance(hints, list):
        candidates += [(h, f"availabilityZoneHints[{i}]") for i, h in enumerate(hints)]
    else:
        candidates.append((hints, "availabilityZoneHints"))
    scheduler = items(r.props.get("schedulerHints"))
    if isinstance(scheduler, Unknown):
        candidates.append((UNKNOWN, "schedulerHints"))
    else:
        for index, hint in enumerate(scheduler):
            extra = mapping(get(hint, "additionalProperties"))
            if isinstance(extra, Unknown):
                candidates.append((UNKNOWN, f"schedulerHints[{index}].additionalProperties"))
                continue
            for key, value in extra.items():
                if "zone" in key.lower():
                    candidates.append((value, f"schedulerHints[{index}].additionalProperties.{key}"))
    for value, what in candidates:
        problem = _zone_problem(value, site, r, what)
        if problem:
            yield problem


def _sync_target(value: Any, r: Resource, what: str) -> str | None:
    if isinstance(value, Unknown):
        return f"{what} could not be verified during preview (unknown value)"
    target = text(value)
    if target is None:
        return None
    target = str(target)
    for site in sites_of(r.catalogue):
        if target.startswith(with_separator(str(site.object_storage_endpoint))):
            return None
        # Swift realm form: //realm/cluster/account/container, the cluster named after the region.
        parts = target.split("/")
        if target.startswith("//") and len(parts) > 3 and parts[3] == site.region:
            return None
    return f"{what} {target!r} is not the object storage of an EU catalogue site"


# A primary container's sync target embeds the partner project's ID, unknown until that project
# exists, so the whole URL is unknown in a first preview. The program also declares the target's
# endpoint, which is known: when that declaration is an EU catalogue endpoint, the unknown is only a
# related ID and does not decide the verdict. The binding is enforced once the URL is known (at
# `pulumi up`, before the container is created, and in every later preview): it must start with the
# declared endpoint.
DECLARED_SYNC_ENDPOINT = "sovcloud-sync-endpoint"


def _declared_sync_endpoint(r: Resource) -> Any:
    metadata = mapping(r.props.get("metadata"))
    if isinstance(metadata, Unknown):
        return UNKNOWN
    return metadata.get(DECLARED_SYNC_ENDPOINT)


def _catalogue_object_storage(r: Resource, endpoint: Any) -> bool:
    value = text(endpoint)
    return value is not None and any(
        with_separator(str(value)) == with_separator(str(site.object_storage_endpoint))
        for site in sites_of(r.catalogue)
    )


def _object_sync(r: Resource) -> Iterator[str]:
    target = r.props.get("containerSyncTo")
    declared = _declared_sync_endpoint(r)
    checks: list[tuple[Any, str]] = []
    if not (isinstance(target, Unknown) and _catalogue_object_storage(r, declared)):
        checks.append((target, "containerSyncTo"))
    for field in ("metadata", "headers"):
        values = mapping(r.props.get(field))
        if isinstance(values, Unknown):
            checks.append((UNKNOWN, field))
            continue
        for key, value in values.items():
            normalized = key.lower().replace("_", "-")
            if "sync-to" in normalized:
                checks.append((value, f"{field}.{key}"))
    for value, what in checks:
        problem = _sync_target(value, r, what)
        if problem:
            yield problem
    if declared is None or isinstance(declared, Unknown):
        return
    if not _catalogue_object_storage(r, declared):
        yield f"metadata.{DECLARED_SYNC_ENDPOINT} {text(declared)!r} is not the object storage of an EU catalogue site"
        return
    known_target = None if isinstance(target, Unknown) else text(target)
    if known_target is not None and not str(known_target).startswith(with_separator(str(text(declared)))):
        yield (
            f"containerSyncTo {known_target!r} does not go to its declared endpoint "
            f"metadata.{DECLARED_SYNC_ENDPOINT} {text(declared)!r}"
        )


def _object_sync_pending(r: Resource) -> Iterator[str]:
    target = r.props.get("containerSyncTo")
    declared = _declared_sync_endpoint(r)
    if isinstance(target, Unknown) and _catalogue_object_storage(r, declared):
        yield (
            f"containerSyncTo is computed from the partner project's ID, unknown until it exists; its declared "
            f"endpoint {text(declared)!r} is EU object storage, and the full URL is checked against it when "
            f"`pulumi up` registers the container"
        )


def _pod_specs(props: dict[str, Any]) -> list[tuple[tuple[str, ...], dict[str, Any]]]:
    return [(path, node) for path, node in walk(props) if "containers" in node and path and path[-1] == "spec"]


def _term_pins(term: Any, regions: tuple[str, ...]) -> tuple[bool, list[str]]:
    """Does one nodeSelectorTerm pin to catalogue regions only? (pinned, problems)"""
    pinned, problems = False, []
    expressions = items(get(term, "matchExpressions"))
    if isinstance(expressions, Unknown):
        return False, ["a nodeSelectorTerm could not be verified during preview (unknown value)"]
    for expression in expressions:
        if get(expression, "key") != REGION_LABEL:
            continue
        operator, values = get(expression, "operator"), items(get(expression, "values"))
        if isinstance(operator, Unknown) or isinstance(values, Unknown):
            problems.append(f"the {REGION_LABEL} requirement could not be verified during preview")
        elif operator == "In":
            outside = [v for v in values if v not in regions]
            if outside or not values:
                problems.append(f"node affinity allows regions {outside or values!r} outside the catalogue")
            else:
                pinned = True
    return pinned, problems


def _workload_pins(r: Resource) -> Iterator[str]:
    regions = kubernetes_regions(r.catalogue)
    patch = r.type in PATCHES
    specs = _pod_specs(r.props)
    if not specs and not patch:
        yield "no pod template could be found, so its placement could not be verified"
    for path, spec in specs:
        where = dotted(path)
        pinned = False
        selector = mapping(spec.get("nodeSelector"))
        if isinstance(selector, Unknown):
            yield f"{where}.nodeSelector could not be verified during preview (unknown value)"
            continue
        if REGION_LABEL in selector:
            value = selector[REGION_LABEL]
            if isinstance(value, Unknown):
                yield f"{where}.nodeSelector[{REGION_LABEL}] could not be verified during preview (unknown value)"
                continue
            if value not in regions:
                yield f"{where}.nodeSelector pins {REGION_LABEL}={value!r}, not a catalogue region {regions}"
                continue
            pinned = True
        required = get(spec, "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution")
        terms = items(get(required, "nodeSelectorTerms"))
        if isinstance(terms, Unknown) or isinstance(required, Unknown):
            yield f"{where}.affinity could not be verified during preview (unknown value)"
            continue
        term_results = [_term_pins(term, regions) for term in terms]
        for _, problems in term_results:
            for problem in problems:
                yield f"{where}: {problem}"
        if term_results and all(ok for ok, _ in term_results):
            pinned = True
        if not pinned and not patch:
            yield (
                f"{where} is not pinned to a catalogue region: add nodeSelector {REGION_LABEL} or a required node "
                "affinity 'In' catalogue regions (NotIn and preferred affinities pin nothing)"
            )


RULES: Final = [
    Rule(
        name="provider-resolves-to-eu-site",
        description="Each provider names one EU catalogue site: region and identity endpoint (or kubeconfig) agree.",
        severity=Severity.CRITICAL,
        enforcement=MANDATORY,
        tags=("placement", "openstack", "kubernetes"),
        framework=EU_PLACEMENT,
        remediation=(
            "Create providers from the site's catalogue entry (components/site_providers.py): OpenStack "
            "region + identity_endpoint; Kubernetes kubeconfig server = kubernetes_api, context = region."
        ),
        checks={"pulumi:providers:openstack": _providers, "pulumi:providers:kubernetes": _providers},
    ),
    Rule(
        name="resource-placed-in-eu-site",
        description="Every resource goes through an explicit site provider; a resource-level region stays in its site.",
        severity=Severity.CRITICAL,
        enforcement=MANDATORY,
        tags=("placement", "openstack", "kubernetes"),
        framework=EU_PLACEMENT,
        remediation=(
            "Pass the site's providers (providers=[...] on the component, parent=self on children); leave "
            "`region` unset or set it to the provider's own region."
        ),
        fallback=_placed_fallback,
    ),
    Rule(
        name="availability-zone-in-site",
        description="Availability zones, zone hints and scheduler zone hints name zones of the resource's site.",
        severity=Severity.HIGH,
        enforcement=MANDATORY,
        tags=("placement", "openstack"),
        framework=EU_PLACEMENT,
        remediation="Use the site's availability_zones from federation.yaml (e.g. eu-lu-1a, eu-lu-1b).",
        checks={
            t: _zones
            for t in (
                "openstack:compute/instance:Instance",
                "openstack:blockstorage/volume:Volume",
                "openstack:networking/network:Network",
                "openstack:networking/router:Router",
                "openstack:loadbalancer/loadBalancer:LoadBalancer",
                "openstack:sharedfilesystem/share:Share",
            )
        },
    ),
    Rule(
        name="object-storage-sync-verified-at-update",
        description="A container's sync target that is still unknown is re-checked against its declared endpoint.",
        severity=Severity.LOW,
        enforcement=ADVISORY,
        tags=("data-protection", "openstack"),  # advisory: `placement` policies are all mandatory
        framework=REPLICA_LOCATION,
        remediation="Nothing to do: `pulumi up` verifies containerSyncTo before it creates the container.",
        checks={"openstack:objectstorage/container:Container": _object_sync_pending},
    ),
    Rule(
        name="object-storage-sync-in-eu-site",
        description="Object-storage containers only synchronise to the object storage of an EU catalogue site.",
        severity=Severity.CRITICAL,
        enforcement=MANDATORY,
        tags=("placement", "egress", "openstack"),
        framework=REPLICA_LOCATION,
        remediation="Point container_sync_to at the partner site's object_storage_endpoint from federation.yaml.",
        checks={
            t: _object_sync
            for t in (
                "openstack:objectstorage/container:Container",
                "openstack:objectstorage/containerObject:ContainerObject",
                "openstack:objectstorage/accountV1:AccountV1",
            )
        },
    ),
    Rule(
        name="workload-pinned-to-eu-region",
        description="Kubernetes workloads are pinned to catalogue regions by nodeSelector or required node affinity.",
        severity=Severity.HIGH,
        enforcement=MANDATORY,
        tags=("placement", "kubernetes"),
        framework=EU_PLACEMENT,
        remediation=(
            f"Add nodeSelector {{'{REGION_LABEL}': '<site region>'}} (or a required node affinity with "
            "operator In and catalogue regions) to every pod template."
        ),
        checks={t: _workload_pins for t in WORKLOADS | PATCHES},
    ),
]
