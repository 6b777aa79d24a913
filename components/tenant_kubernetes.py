"""A tenant on one site's Kubernetes cluster: a closed namespace, its budget, and pinned workloads.

The namespace comes from `IsolatedNamespace` (default-deny both ways, DNS and same-namespace
traffic allowed, ResourceQuota and LimitRange). On top, one NetworkPolicy lets pods reach the
tenant's own ranges on both sites and the named platform services of the site, by address and port.
Workloads are Deployments pinned by a *required* node affinity on `topology.kubernetes.io/region`
to this site's region, pulling images only from this site's registry, with the restricted pod
security profile (non-root, no privilege escalation, no capabilities, RuntimeDefault seccomp) and
no host networking. The primary site runs `replicas`; the replica site runs `standbyReplicas`
(warm standby, 0 by default), and failing over swaps the two.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s
from federation_catalogue import Site

from components.namespace import REGION_LABEL, IsolatedNamespace, IsolatedNamespaceArgs
from model.config.tenant import Kubernetes, SiteRole, Workload

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class TenantKubernetesArgs:
    tenant: str
    site: Site
    role: SiteRole
    config: Kubernetes
    tenant_ranges: tuple[Network, ...]
    services: tuple[str, ...] = ()


def namespace_name(tenant: str) -> str:
    return f"tenant-{tenant}"


def image_reference(site: Site, image: str) -> str:
    """The full image reference: always inside the site's own registry."""
    return f"{site.container_registry.rstrip('/')}/{image}"


class TenantKubernetes(pulumi.ComponentResource):
    """Namespace, egress allowance and Deployments of one tenant on one site's cluster."""

    namespace: IsolatedNamespace
    deployments: dict[str, k8s.apps.v1.Deployment]

    def __init__(self, name: str, args: TenantKubernetesArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("sovcloud:tenant_kubernetes:TenantKubernetes", name, None, opts)
        ns = namespace_name(args.tenant)
        limits = args.config.limits
        self.namespace = IsolatedNamespace(
            f"{name}-ns",
            IsolatedNamespaceArgs(
                namespace=ns,
                region=args.site.kubernetes_region,
                labels={"sovcloud.eu/tier": "tenant", "sovcloud.eu/tenant": args.tenant, "sovcloud.eu/role": args.role},
                quota=args.config.quota,
                default_limits=limits.default,
                default_requests=limits.default_request,
            ),
            pulumi.ResourceOptions(parent=self),
        )
        in_ns = pulumi.ResourceOptions(parent=self, depends_on=[self.namespace])
        self._egress_allowance(name, ns, args, in_ns)
        self.deployments = {
            workload.name: self._deployment(name, ns, args, workload, in_ns) for workload in args.config.workloads
        }
        self.register_outputs({"namespace": ns, "deployments": list(self.deployments)})

    def _egress_allowance(self, name: str, ns: str, args: TenantKubernetesArgs, opts: pulumi.ResourceOptions) -> None:
        np = k8s.networking.v1
        rules = [
            np.NetworkPolicyEgressRuleArgs(
                to=[np.NetworkPolicyPeerArgs(ip_block=np.IPBlockArgs(cidr=str(net))) for net in args.tenant_ranges]
            )
        ]
        for service_name in args.services:
            service = args.site.services[service_name]
            rules.append(
                np.NetworkPolicyEgressRuleArgs(
                    to=[np.NetworkPolicyPeerArgs(ip_block=np.IPBlockArgs(cidr=str(net))) for net in service.networks()],
                    ports=[np.NetworkPolicyPortArgs(protocol=p.protocol.upper(), port=p.port) for p in service.ports],
                )
            )
        np.NetworkPolicy(
            f"{name}-allow-tenant-egress",
            metadata=k8s.meta.v1.ObjectMetaArgs(name="allow-tenant-and-platform-services", namespace=ns),
            spec=np.NetworkPolicySpecArgs(
                pod_selector=k8s.meta.v1.LabelSelectorArgs(), policy_types=["Egress"], egress=rules
            ),
            opts=opts,
        )

    def _deployment(
        self, name: str, ns: str, args: TenantKubernetesArgs, workload: Workload, opts: pulumi.ResourceOptions
    ) -> k8s.apps.v1.Deployment:
        core = k8s.core.v1
        labels = {"app.kubernetes.io/name": workload.name, "sovcloud.eu/tenant": args.tenant}
        replicas = workload.replicas if args.role == "primary" else workload.standby_replicas
        pin = core.AffinityArgs(
            node_affinity=core.NodeAffinityArgs(
                required_during_scheduling_ignored_during_execution=core.NodeSelectorArgs(
                    node_selector_terms=[
                        core.NodeSelectorTermArgs(
                            match_expressions=[
                                core.NodeSelectorRequirementArgs(
                                    key=REGION_LABEL, operator="In", values=[args.site.kubernetes_region]
                                )
                            ]
                        )
                    ]
                )
            )
        )
        resources = {"cpu": workload.cpu, "memory": workload.memory}
        container = core.ContainerArgs(
            name=workload.name,
            image=image_reference(args.site, workload.image),
            image_pull_policy="IfNotPresent",
            ports=[core.ContainerPortArgs(container_port=workload.port, name="app")] if workload.port else None,
            resources=core.ResourceRequirementsArgs(requests=resources, limits=resources),
            security_context=core.SecurityContextArgs(
                run_as_non_root=True,
                allow_privilege_escalation=False,
                privileged=False,
                read_only_root_filesystem=True,
                capabilities=core.CapabilitiesArgs(drop=["ALL"]),
                seccomp_profile=core.SeccompProfileArgs(type="RuntimeDefault"),
            ),
        )
        return k8s.apps.v1.Deployment(
            f"{name}-{workload.name}",
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name=workload.name, namespace=ns, labels={**labels, "sovcloud.eu/role": args.role}
            ),
            spec=k8s.apps.v1.DeploymentSpecArgs(
                replicas=replicas,
                selector=k8s.meta.v1.LabelSelectorArgs(match_labels=labels),
                template=core.PodTemplateSpecArgs(
                    metadata=k8s.meta.v1.ObjectMetaArgs(labels=labels),
                    spec=core.PodSpecArgs(
                        affinity=pin,
                        containers=[container],
                        host_network=False,
                        host_pid=False,
                        host_ipc=False,
                        automount_service_account_token=False,
                        security_context=core.PodSecurityContextArgs(
                            run_as_non_root=True, seccomp_profile=core.SeccompProfileArgs(type="RuntimeDefault")
                        ),
                    ),
                ),
            ),
            opts=opts,
        )
