"""A Kubernetes namespace that starts closed: default-deny both ways, then DNS and its own pods.

scs-0219 clusters enforce `networking.k8s.io/v1` NetworkPolicy; this component is how every
namespace of the federation (platform's and tenants') is born, so none is ever left open.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s

REGION_LABEL = "topology.kubernetes.io/region"


@dataclass(frozen=True)
class IsolatedNamespaceArgs:
    """The namespace, the site it lives on, and its optional quota and default limits."""

    namespace: str
    region: str
    labels: Mapping[str, str] = field(default_factory=dict)
    quota: Mapping[str, str] | None = None  # ResourceQuota `hard`, e.g. {"requests.cpu": "8"}
    default_limits: Mapping[str, str] | None = None  # LimitRange container defaults
    default_requests: Mapping[str, str] | None = None


class IsolatedNamespace(pulumi.ComponentResource):
    """Namespace + default-deny NetworkPolicy + allowances for DNS and traffic inside the namespace."""

    namespace: k8s.core.v1.Namespace

    def __init__(self, name: str, args: IsolatedNamespaceArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("sovcloud:namespace:IsolatedNamespace", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        ns = args.namespace
        self.namespace = k8s.core.v1.Namespace(
            f"{name}-ns",
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name=ns,
                labels={
                    "pod-security.kubernetes.io/enforce": "restricted",
                    "sovcloud.eu/region": args.region,
                    **args.labels,
                },
            ),
            opts=child,
        )
        in_ns = pulumi.ResourceOptions(parent=self, depends_on=[self.namespace])

        def meta(object_name: str) -> k8s.meta.v1.ObjectMetaArgs:
            return k8s.meta.v1.ObjectMetaArgs(name=object_name, namespace=ns)

        everything = k8s.meta.v1.LabelSelectorArgs()
        k8s.networking.v1.NetworkPolicy(
            f"{name}-default-deny",
            metadata=meta("default-deny"),
            spec=k8s.networking.v1.NetworkPolicySpecArgs(pod_selector=everything, policy_types=["Ingress", "Egress"]),
            opts=in_ns,
        )
        k8s.networking.v1.NetworkPolicy(
            f"{name}-allow-dns",
            metadata=meta("allow-dns"),
            spec=k8s.networking.v1.NetworkPolicySpecArgs(
                pod_selector=everything,
                policy_types=["Egress"],
                egress=[
                    k8s.networking.v1.NetworkPolicyEgressRuleArgs(
                        to=[
                            k8s.networking.v1.NetworkPolicyPeerArgs(
                                namespace_selector=k8s.meta.v1.LabelSelectorArgs(
                                    match_labels={"kubernetes.io/metadata.name": "kube-system"}
                                ),
                                pod_selector=k8s.meta.v1.LabelSelectorArgs(match_labels={"k8s-app": "kube-dns"}),
                            )
                        ],
                        ports=[
                            k8s.networking.v1.NetworkPolicyPortArgs(protocol="UDP", port=53),
                            k8s.networking.v1.NetworkPolicyPortArgs(protocol="TCP", port=53),
                        ],
                    )
                ],
            ),
            opts=in_ns,
        )
        same_namespace = [k8s.networking.v1.NetworkPolicyPeerArgs(pod_selector=everything)]
        k8s.networking.v1.NetworkPolicy(
            f"{name}-allow-same-namespace",
            metadata=meta("allow-same-namespace"),
            spec=k8s.networking.v1.NetworkPolicySpecArgs(
                pod_selector=everything,
                policy_types=["Ingress", "Egress"],
                ingress=[k8s.networking.v1.NetworkPolicyIngressRuleArgs(from_=same_namespace)],
                egress=[k8s.networking.v1.NetworkPolicyEgressRuleArgs(to=same_namespace)],
            ),
            opts=in_ns,
        )
        if args.quota:
            k8s.core.v1.ResourceQuota(
                f"{name}-quota",
                metadata=meta("quota"),
                spec=k8s.core.v1.ResourceQuotaSpecArgs(hard=dict(args.quota)),
                opts=in_ns,
            )
        if args.default_limits or args.default_requests:
            k8s.core.v1.LimitRange(
                f"{name}-limits",
                metadata=meta("limits"),
                spec=k8s.core.v1.LimitRangeSpecArgs(
                    limits=[
                        k8s.core.v1.LimitRangeItemArgs(
                            type="Container",
                            default=dict(args.default_limits or {}),
                            default_request=dict(args.default_requests or {}),
                        )
                    ]
                ),
                opts=in_ns,
            )
        self.register_outputs({"namespace": ns})
