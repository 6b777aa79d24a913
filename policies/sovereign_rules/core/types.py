"""Type tokens that more than one rule family reads, and how a Kubernetes custom kind is named."""

from __future__ import annotations

from typing import Final

from .values import text

NETWORK: Final = "openstack:networking/network:Network"
PORT: Final = "openstack:networking/port:Port"
INSTANCE: Final = "openstack:compute/instance:Instance"
RBAC_POLICY: Final = "openstack:networking/rbacPolicyV2:RbacPolicyV2"
CLUSTER_TEMPLATE: Final = "openstack:containerinfra/clusterTemplate:ClusterTemplate"
IMAGE: Final = "openstack:images/image:Image"
GENERIC_CUSTOM_RESOURCE: Final = "kubernetes:apiextensions.k8s.io:CustomResource"


def kubernetes_kind(resource_type: str, props: dict[str, object]) -> tuple[str, str]:
    """(API group, kind) of a Kubernetes resource, from its type token or, for the generic custom
    resource, its `apiVersion`/`kind` inputs; ("", "") when they cannot be read."""
    if resource_type == GENERIC_CUSTOM_RESOURCE:
        api_version, kind = text(props.get("apiVersion")), text(props.get("kind"))
    else:
        _, _, rest = resource_type.partition(":")
        api_version, _, kind = rest.rpartition(":")
    group = api_version.rpartition("/")[0] if isinstance(api_version, str) else ""
    return group, kind if isinstance(kind, str) else ""
