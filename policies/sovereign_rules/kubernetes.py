"""Kubernetes egress: nothing exposed outside the cluster, nothing reaching outside the plan.

Services of type LoadBalancer or NodePort (or with externalIPs) open paths to and from outside;
an ExternalName Service is a DNS alias, allowed to an internal host and denied to any other;
`hostNetwork` anywhere in a pod template (however deeply nested: Deployments, CronJobs, `*Patch`
types, chart values, custom resources) bypasses NetworkPolicy; NetworkPolicy, Cilium and Calico
policies only allow peers inside the plan (an `except` list does not rescue `0.0.0.0/0`, and a
rule without peers allows everything); every Namespace is covered by a default-deny egress
NetworkPolicy; pods only resolve through the federation's DNS.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Final

from pulumi_policy import Severity

from .core.addresses import outside_plan
from .core.catalogue import Catalogue, domains, plan
from .core.destinations import host_destination, outside
from .core.framework import MANDATORY, Check, Resource, Rule, StackRule, framework
from .core.references import NO_INTERNET
from .core.types import GENERIC_CUSTOM_RESOURCE, kubernetes_kind
from .core.values import UNKNOWN, Unknown, dotted, get, items, mapping, text, walk

SERVICE: Final = "kubernetes:core/v1:Service"
SERVICE_PATCH: Final = "kubernetes:core/v1:ServicePatch"
NETWORK_POLICY: Final = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
NETWORK_POLICY_PATCH: Final = "kubernetes:networking.k8s.io/v1:NetworkPolicyPatch"
NAMESPACE: Final = "kubernetes:core/v1:Namespace"
EXPOSING_TYPES: Final = frozenset({"LoadBalancer", "NodePort"})

SCS_NETWORK_POLICY = framework(
    "SCS", "scs-0219", "Kubernetes clusters enforce NetworkPolicy; namespaces default-deny egress (design)."
)


def _kubernetes_only(check: Check) -> Any:
    def fallback(resource_type: str) -> Check | None:
        return check if resource_type.startswith("kubernetes:") else None

    return fallback


def _service(r: Resource) -> Iterator[str]:
    spec = mapping(r.props.get("spec"))
    if isinstance(spec, Unknown):
        yield "spec could not be verified during preview (unknown value)"
        return
    kind = spec.get("type")
    if isinstance(kind, Unknown):
        yield "spec.type could not be verified during preview (unknown value); it must be ClusterIP"
    elif text(kind) in EXPOSING_TYPES:
        yield f"spec.type is {kind}: the service is exposed outside the cluster"
    external = items(spec.get("externalIPs"))
    if isinstance(external, Unknown) or external:
        yield "spec.externalIPs is set: the service accepts traffic on external addresses"
    yield from _external_name(spec, r)


def _external_name(spec: dict[str, Any], r: Resource) -> Iterator[str]:
    """An ExternalName Service is a DNS alias: allowed to an internal host, denied to any other."""
    name = spec.get("externalName")
    if name is None and text(spec.get("type")) != "ExternalName":
        return
    if isinstance(name, Unknown):
        yield "spec.externalName could not be verified during preview (unknown value)"
        return
    if text(name) is None:
        yield "spec.type is ExternalName without an externalName"
        return
    problem = outside(host_destination(str(name)), r.catalogue)
    if problem is not None:
        yield f"spec.externalName {name!r} aliases a host outside the federation: {problem}"


def _host_network(r: Resource) -> Iterator[str]:
    for path, node in walk(r.props):
        if "hostNetwork" not in node:
            continue
        value = node["hostNetwork"]
        where = dotted((*path, "hostNetwork"))
        if isinstance(value, Unknown):
            yield f"{where} could not be verified during preview (unknown value); it must be false"
        elif value is True or (isinstance(value, str) and value.lower() == "true"):
            yield f"{where} is true: the pod shares the node's network and bypasses NetworkPolicy"


def _peers_in_plan(peers: Any, ranges: Any, where: str, *, egress: bool) -> Iterator[str]:
    listed = items(peers)
    if isinstance(listed, Unknown):
        yield f"{where} could not be verified during preview (unknown value)"
        return
    if egress and not listed:
        yield f"{where} is missing or empty, so this egress rule allows every destination"
        return
    for index, peer in enumerate(listed):
        block = get(peer, "ipBlock")
        if block is None:
            continue
        message = outside_plan(get(block, "cidr"), ranges, f"{where}[{index}].ipBlock.cidr")
        if message:
            yield message + " (an except list does not narrow what the cidr opens)"


def _network_policy(r: Resource) -> Iterator[str]:
    spec = mapping(r.props.get("spec"))
    if isinstance(spec, Unknown):
        yield "spec could not be verified during preview (unknown value)"
        return
    for direction, peers_key, egress in (("egress", "to", True), ("ingress", "from", False)):
        rules = items(spec.get(direction))
        if isinstance(rules, Unknown):
            yield f"spec.{direction} could not be verified during preview (unknown value)"
            continue
        for index, rule in enumerate(rules):
            if not isinstance(rule, dict):
                if egress:
                    yield f"spec.{direction}[{index}] is not a rule object; an empty rule allows everything"
                continue
            yield from _peers_in_plan(
                rule.get(peers_key), plan(r.catalogue), f"spec.{direction}[{index}].{peers_key}", egress=egress
            )


def _dns_config(r: Resource) -> Iterator[str]:
    for path, node in walk(r.props):
        if "dnsConfig" not in node:
            continue
        config = mapping(node["dnsConfig"])
        where = dotted((*path, "dnsConfig"))
        if isinstance(config, Unknown):
            yield f"{where} could not be verified during preview (unknown value)"
            continue
        servers = items(config.get("nameservers"))
        if isinstance(servers, Unknown):
            yield f"{where}.nameservers could not be verified during preview (unknown value)"
            continue
        for index, server in enumerate(servers):
            message = outside_plan(server, plan(r.catalogue), f"{where}.nameservers[{index}]")
            if message:
                yield message


# --- CNI-specific policies (custom resources) --------------------------------------------------

CILIUM_KINDS: Final = frozenset({"CiliumNetworkPolicy", "CiliumClusterwideNetworkPolicy"})
CALICO_KINDS: Final = frozenset({"NetworkPolicy", "GlobalNetworkPolicy"})
CALICO_GROUPS: Final = frozenset({"projectcalico.org", "crd.projectcalico.org"})
CILIUM_EGRESS_PEERS: Final = (
    "toEndpoints",
    "toEntities",
    "toCIDR",
    "toCIDRSet",
    "toServices",
    "toFQDNs",
    "toGroups",
    "toNodes",
    "toRequires",
)
OPEN_ENTITIES: Final = frozenset({"world", "all"})


def _cidrs(values: Any, ranges: Any, where: str) -> Iterator[str]:
    listed = items(values)
    if isinstance(listed, Unknown):
        yield f"{where} could not be verified during preview (unknown value)"
        return
    for index, value in enumerate(listed):
        cidr = get(value, "cidr") if isinstance(value, dict) else value
        message = outside_plan(cidr, ranges, f"{where}[{index}]")
        if message:
            yield message


def _fqdn_in_sites(value: Any, catalogue: Catalogue) -> bool:
    name = text(value)
    if not isinstance(name, str):
        return False
    name = name.lower().rstrip(".")
    return any(domain and (name == domain or name.endswith("." + domain)) for domain in domains(catalogue))


def _cilium_spec(spec: Any, r: Resource, where: str) -> Iterator[str]:
    if isinstance(spec, Unknown):
        yield f"{where} could not be verified during preview (unknown value)"
        return
    in_plan = plan(r.catalogue)
    egress = items(get(spec, "egress"))
    if isinstance(egress, Unknown):
        yield f"{where}.egress could not be verified during preview (unknown value)"
        egress = []
    for index, rule in enumerate(egress):
        at = f"{where}.egress[{index}]"
        if isinstance(rule, Unknown) or not isinstance(rule, dict):
            yield f"{at} could not be verified"
            continue
        if not any(key in rule for key in CILIUM_EGRESS_PEERS):
            yield f"{at} names no destination, so it allows every destination"
        entities = items(rule.get("toEntities"))
        if isinstance(entities, Unknown) or any(isinstance(e, str) and e in OPEN_ENTITIES for e in entities):
            yield f"{at}.toEntities opens the world"
        yield from _cidrs(rule.get("toCIDR"), in_plan, f"{at}.toCIDR")
        yield from _cidrs(rule.get("toCIDRSet"), in_plan, f"{at}.toCIDRSet")
        fqdns = items(rule.get("toFQDNs"))
        for fqdn_index, fqdn in enumerate(fqdns if isinstance(fqdns, list) else [UNKNOWN]):
            names = [get(fqdn, "matchName"), get(fqdn, "matchPattern")]
            names = [n for n in names if n is not None]
            if not names or not all(_fqdn_in_sites(n, r.catalogue) for n in names):
                yield f"{at}.toFQDNs[{fqdn_index}] names hosts outside the catalogue sites' domains"
    ingress = items(get(spec, "ingress"))
    for index, rule in enumerate(ingress if isinstance(ingress, list) else []):
        at = f"{where}.ingress[{index}]"
        entities = items(get(rule, "fromEntities"))
        if isinstance(entities, Unknown) or (
            isinstance(entities, list) and any(isinstance(e, str) and e in OPEN_ENTITIES for e in entities)
        ):
            yield f"{at}.fromEntities opens the world"
        yield from _cidrs(get(rule, "fromCIDR"), in_plan, f"{at}.fromCIDR")
        yield from _cidrs(get(rule, "fromCIDRSet"), in_plan, f"{at}.fromCIDRSet")


def _calico_spec(spec: Any, r: Resource) -> Iterator[str]:
    if isinstance(spec, Unknown):
        yield "spec could not be verified during preview (unknown value)"
        return
    in_plan = plan(r.catalogue)
    for direction, side in (("egress", "destination"), ("ingress", "source")):
        rules = items(get(spec, direction))
        if isinstance(rules, Unknown):
            yield f"spec.{direction} could not be verified during preview (unknown value)"
            continue
        for index, rule in enumerate(rules):
            at = f"spec.{direction}[{index}]"
            action = get(rule, "action")
            if isinstance(action, Unknown):
                yield f"{at}.action could not be verified during preview (unknown value)"
                continue
            if text(action) != "Allow":
                continue
            peer = get(rule, side)
            if isinstance(peer, Unknown):
                yield f"{at}.{side} could not be verified during preview (unknown value)"
                continue
            nets = get(peer, "nets")
            selects = any(
                get(peer, k) is not None for k in ("selector", "namespaceSelector", "serviceAccounts", "services")
            )
            if nets is None and direction == "egress" and not selects:
                yield f"{at} allows every destination (no {side}.nets and no selector)"
                continue
            yield from _cidrs(nets, in_plan, f"{at}.{side}.nets")


def _cni_policy(r: Resource) -> Iterator[str]:
    group, kind = kubernetes_kind(r.type, r.props)
    if group == "cilium.io" and kind in CILIUM_KINDS:
        if "spec" in r.props:
            yield from _cilium_spec(r.props["spec"], r, "spec")
        specs = items(r.props.get("specs"))
        if isinstance(specs, Unknown):
            yield "specs could not be verified during preview (unknown value)"
        else:
            for index, spec in enumerate(specs):
                yield from _cilium_spec(spec, r, f"specs[{index}]")
    elif group in CALICO_GROUPS and kind in CALICO_KINDS:
        yield from _calico_spec(r.props.get("spec"), r)
    elif r.type == GENERIC_CUSTOM_RESOURCE and (group == "" or kind == ""):
        yield "apiVersion or kind could not be verified, so the custom resource could not be checked"


def _cni_fallback(resource_type: str) -> Check | None:
    if resource_type == GENERIC_CUSTOM_RESOURCE:
        return _cni_policy
    if not resource_type.startswith("kubernetes:"):
        return None
    group, kind = kubernetes_kind(resource_type, {})
    if (group == "cilium.io" and kind in CILIUM_KINDS) or (group in CALICO_GROUPS and kind in CALICO_KINDS):
        return _cni_policy
    return None


# --- every Namespace is covered by a default-deny egress NetworkPolicy (stack policy) ----------


def _selects_all_pods(spec: Mapping[str, Any]) -> bool:
    selector = spec.get("podSelector")
    if selector is None:
        return True
    if not isinstance(selector, dict):
        return False
    return not selector.get("matchLabels") and not selector.get("matchExpressions")


def _denies_egress(policy: Resource) -> bool:
    spec = policy.props.get("spec")
    if not isinstance(spec, dict) or not _selects_all_pods(spec):
        return False
    types = spec.get("policyTypes")
    if isinstance(types, list):
        return "Egress" in types
    return types is None and "egress" in spec


def _namespaces_covered(
    resources: list[Resource], catalogue: Catalogue, config: Mapping[str, Any]
) -> Iterable[tuple[str, str | None]]:
    deny = [r for r in resources if r.type == NETWORK_POLICY and _denies_egress(r)]
    for namespace in (r for r in resources if r.type == NAMESPACE):
        name = get(namespace.props, "metadata", "name")
        covered = False
        for policy in deny:
            same_cluster = (
                policy.provider is None or namespace.provider is None or policy.provider.urn == namespace.provider.urn
            )
            linked = namespace.urn in policy.property_dependencies.get("metadata", ()) or namespace.urn in (
                policy.dependencies
            )
            target = get(policy.props, "metadata", "namespace")
            named = isinstance(name, str) and isinstance(target, str) and name == target
            if same_cluster and (named or linked):
                covered = True
                break
        if covered:
            continue
        if isinstance(name, Unknown):
            yield (
                "the namespace's name could not be verified during preview and no default-deny egress "
                "NetworkPolicy depends on it",
                namespace.urn,
            )
        else:
            yield (
                f"namespace {name if isinstance(name, str) else namespace.name!r} has no default-deny egress "
                "NetworkPolicy (podSelector {} and policyTypes including Egress)",
                namespace.urn,
            )


RULES: Final = [
    Rule(
        name="service-stays-internal",
        description=(
            "Services are ClusterIP (or ExternalName to an internal host): no LoadBalancer, NodePort or externalIPs."
        ),
        severity=Severity.CRITICAL,
        enforcement=MANDATORY,
        tags=("egress", "kubernetes"),
        framework=NO_INTERNET,
        remediation="Use type ClusterIP and reach services through the platform's internal ingress.",
        checks={SERVICE: _service, SERVICE_PATCH: _service},
    ),
    Rule(
        name="pod-has-no-host-network",
        description="No pod template, however deeply nested, uses hostNetwork.",
        severity=Severity.CRITICAL,
        enforcement=MANDATORY,
        tags=("egress", "kubernetes"),
        framework=NO_INTERNET,
        remediation="Remove hostNetwork: true (or set it false) from every pod template and chart value.",
        fallback=_kubernetes_only(_host_network),
    ),
    Rule(
        name="network-policy-stays-in-plan",
        description="NetworkPolicy egress and ingress ipBlocks stay in the plan; egress rules always name peers.",
        severity=Severity.CRITICAL,
        enforcement=MANDATORY,
        tags=("egress", "kubernetes"),
        framework=NO_INTERNET,
        remediation=(
            "Give every egress rule a `to` list; use ipBlock cidrs inside the plan (an `except` list "
            "cannot make 0.0.0.0/0 acceptable)."
        ),
        checks={NETWORK_POLICY: _network_policy, NETWORK_POLICY_PATCH: _network_policy},
    ),
    StackRule(
        name="namespace-has-default-deny-egress",
        description="Every Namespace is covered by a default-deny egress NetworkPolicy.",
        severity=Severity.HIGH,
        enforcement=MANDATORY,
        tags=("egress", "kubernetes"),
        framework=SCS_NETWORK_POLICY,
        remediation=(
            "Add a NetworkPolicy in the namespace with podSelector {} and policyTypes [Egress] (allowing only "
            "the in-plan destinations the namespace needs)."
        ),
        check=_namespaces_covered,
    ),
    Rule(
        name="pod-dns-stays-in-plan",
        description="Pod dnsConfig only names the federation's DNS resolvers.",
        severity=Severity.HIGH,
        enforcement=MANDATORY,
        tags=("egress", "dns", "kubernetes"),
        framework=NO_INTERNET,
        remediation="Remove public nameservers from dnsConfig; rely on the cluster DNS or the site's DNS service.",
        fallback=_kubernetes_only(_dns_config),
    ),
    Rule(
        name="cni-policy-stays-in-plan",
        description="Cilium and Calico policies do not open the world or CIDRs outside the plan.",
        severity=Severity.CRITICAL,
        enforcement=MANDATORY,
        tags=("egress", "kubernetes"),
        framework=NO_INTERNET,
        remediation=(
            "Remove toEntities world/all, toCIDR/toCIDRSet/nets outside the plan and FQDNs outside the "
            "sites' domains; give every Allow rule an explicit in-plan destination."
        ),
        fallback=_cni_fallback,
    ),
]
