"""Closed world, by type: a resource type nobody reviewed for egress and placement is denied.

`REVIEWED` maps every type the pack has a decision for to why it is safe to judge by the pack's
rules: either it names no destination at all (inert), or its destinations are fields that the
value rules (`values_in_federation.py`) and the structural rules named in the reason read. A type
missing from the table is a mandatory violation, in both concerns: a new type may reach or store
somewhere through an input nobody has looked at. Kubernetes types are reviewed by API group and
kind, whatever the version (`*Patch` kinds as their kind; `*List` kinds item by item, each as its
kind); custom resources by the group and kind in their type token or `apiVersion`/`kind`.

Some reviewed kinds reach a public service through a default when a field is absent (a Velero
backup location on AWS without `s3Url`, an External Secrets store backed by a cloud's secret
manager): `DEFAULTS_OUTSIDE` denies those configurations.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Final

from pulumi_policy import Severity

from .core.framework import MANDATORY, Check, Resource, Rule
from .core.references import NO_INTERNET
from .core.types import GENERIC_CUSTOM_RESOURCE, kubernetes_kind
from .core.values import Unknown, get, mapping, text


def _each(reason: str, *types: str) -> dict[str, str]:
    return dict.fromkeys(types, reason)


_INERT = "inert: names no address, host or URL (quotas, names, roles, sizes, references to other resources)"
_FIELDS = "judged by its fields: every destination it holds is an input the value rules read"

REVIEWED: Final[dict[str, str]] = {
    # --- the project's own and Pulumi's --------------------------------------------------------
    "pulumi:pulumi:Stack": "the stack itself: declares nothing",
    "pulumi:pulumi:StackReference": "reads another stack's outputs from the same state backend",
    "pulumi:providers:openstack": "placed by provider-resolves-to-eu-site; its inputs judged by the value rules",
    "pulumi:providers:kubernetes": "placed by provider-resolves-to-eu-site; kubeconfig judged as a document",
    "pulumi:providers:keycloak": "its url judged by the value rules (the federation's identity provider)",
    "pulumi:providers:random": "generates values locally; reaches nothing",
    "pulumi:providers:pulumi-python": "runs the program's own dynamic providers (reviewed by kind below)",
    # The engine gives StackReference reads a default provider of this type (its builtin provider).
    "pulumi:providers:pulumi": "the engine's builtin provider: serves StackReference reads from the same backend",
    "random:index/randomPassword:RandomPassword": "generated locally",
    "random:index/randomString:RandomString": "generated locally",
    "random:index/randomId:RandomId": "generated locally",
    "random:index/randomPet:RandomPet": "generated locally",
    "random:index/randomInteger:RandomInteger": "generated locally",
    "random:index/randomUuid:RandomUuid": "generated locally",
    # --- OpenStack -----------------------------------------------------------------------------
    **_each(
        _INERT,
        "openstack:blockstorage/qosAssociationV3:QosAssociationV3",
        "openstack:blockstorage/qosV3:QosV3",
        "openstack:blockstorage/quoteSetV3:QuoteSetV3",
        "openstack:blockstorage/volumeAttach:VolumeAttach",
        "openstack:blockstorage/volumeTypeAccessV3:VolumeTypeAccessV3",
        "openstack:blockstorage/volumeTypeV3:VolumeTypeV3",
        "openstack:compute/aggregateV2:AggregateV2",
        "openstack:compute/flavor:Flavor",
        "openstack:compute/flavorAccess:FlavorAccess",
        "openstack:compute/keypair:Keypair",
        "openstack:compute/quotaSetV2:QuotaSetV2",
        "openstack:compute/serverGroup:ServerGroup",
        "openstack:compute/volumeAttach:VolumeAttach",
        "openstack:compute/interfaceAttach:InterfaceAttach",
        "openstack:identity/applicationCredential:ApplicationCredential",
        "openstack:identity/ec2CredentialV3:Ec2CredentialV3",
        "openstack:identity/groupV3:GroupV3",
        "openstack:identity/inheritRoleAssignment:InheritRoleAssignment",
        "openstack:identity/limitV3:LimitV3",
        "openstack:identity/project:Project",
        "openstack:identity/registeredLimitV3:RegisteredLimitV3",
        "openstack:identity/role:Role",
        "openstack:identity/roleAssignment:RoleAssignment",
        "openstack:identity/serviceV3:ServiceV3",
        "openstack:identity/user:User",
        "openstack:identity/userMembershipV3:UserMembershipV3",
        "openstack:images/imageAccess:ImageAccess",
        "openstack:images/imageAccessAccept:ImageAccessAccept",
        "openstack:keymanager/containerV1:ContainerV1",
        "openstack:keymanager/orderV1:OrderV1",
        "openstack:keymanager/secretV1:SecretV1",
        "openstack:loadbalancer/flavorV2:FlavorV2",
        "openstack:loadbalancer/flavorprofileV2:FlavorprofileV2",
        "openstack:loadbalancer/quota:Quota",
        "openstack:networking/addressScope:AddressScope",
        "openstack:networking/portSecGroupAssociate:PortSecGroupAssociate",
        "openstack:networking/qosBandwidthLimitRule:QosBandwidthLimitRule",
        "openstack:networking/qosDscpMarkingRule:QosDscpMarkingRule",
        "openstack:networking/qosMinimumBandwidthRule:QosMinimumBandwidthRule",
        "openstack:networking/qosPolicy:QosPolicy",
        "openstack:networking/quotaV2:QuotaV2",
        "openstack:networking/routerInterface:RouterInterface",
        "openstack:networking/secGroup:SecGroup",
        "openstack:networking/segmentV2:SegmentV2",
        "openstack:networking/trunk:Trunk",
        "openstack:dns/quotaV2:QuotaV2",
        "openstack:dns/transferAccept:TransferAccept",
        "openstack:dns/zoneShareV2:ZoneShareV2",
        "openstack:database/configuration:Configuration",
        "openstack:database/database:Database",
        "openstack:database/user:User",
        "openstack:sharedfilesystem/shareNetwork:ShareNetwork",
    ),
    **_each(
        _FIELDS + " (and the structural rules of its family: security groups, routing, exposure, interconnect)",
        "openstack:networking/secGroupRule:SecGroupRule",
        "openstack:networking/addressGroupV2:AddressGroupV2",
        "openstack:networking/network:Network",
        "openstack:networking/port:Port",
        "openstack:networking/router:Router",
        "openstack:networking/routerRoute:RouterRoute",
        "openstack:networking/routerRoutesV2:RouterRoutesV2",
        "openstack:networking/subnet:Subnet",
        "openstack:networking/subnetRoute:SubnetRoute",
        "openstack:networking/subnetPool:SubnetPool",
        "openstack:networking/rbacPolicyV2:RbacPolicyV2",
        "openstack:networking/bgpPeerV2:BgpPeerV2",
        "openstack:networking/bgpSpeakerV2:BgpSpeakerV2",
        "openstack:firewall/ruleV2:RuleV2",
        "openstack:firewall/policyV2:PolicyV2",
        "openstack:firewall/groupV2:GroupV2",
        "openstack:vpnaas/endpointGroup:EndpointGroup",
        "openstack:vpnaas/ikePolicy:IkePolicy",
        "openstack:vpnaas/ipSecPolicy:IpSecPolicy",
        "openstack:vpnaas/service:Service",
        "openstack:vpnaas/siteConnection:SiteConnection",
    ),
    **_each(
        "denied by no-floating-ip / no-external-network whatever its fields: reviewed so the verdict is theirs",
        "openstack:networking/floatingIp:FloatingIp",
        "openstack:networking/floatingIpAssociate:FloatingIpAssociate",
        "openstack:networking/portForwardingV2:PortForwardingV2",
    ),
    **_each(
        _FIELDS + " (addresses of instances, members, VIPs, share access rules, DNS primaries, mirrors)",
        "openstack:compute/instance:Instance",
        "openstack:blockstorage/volume:Volume",
        "openstack:containerinfra/cluster:Cluster",
        "openstack:containerinfra/clusterTemplate:ClusterTemplate",
        "openstack:containerinfra/nodeGroup:NodeGroup",
        "openstack:database/instance:Instance",
        "openstack:dns/recordSet:RecordSet",
        "openstack:dns/transferRequest:TransferRequest",
        "openstack:dns/zone:Zone",
        "openstack:identity/endpointV3:EndpointV3",
        "openstack:images/image:Image",
        "openstack:loadbalancer/l7PolicyV2:L7PolicyV2",
        "openstack:loadbalancer/l7RuleV2:L7RuleV2",
        "openstack:loadbalancer/listener:Listener",
        "openstack:loadbalancer/loadBalancer:LoadBalancer",
        "openstack:loadbalancer/member:Member",
        "openstack:loadbalancer/members:Members",
        "openstack:loadbalancer/monitor:Monitor",
        "openstack:loadbalancer/pool:Pool",
        "openstack:objectstorage/accountV1:AccountV1",
        "openstack:objectstorage/container:Container",
        "openstack:objectstorage/containerObject:ContainerObject",
        "openstack:objectstorage/tempUrl:TempUrl",
        "openstack:orchestration/stackV1:StackV1",
        "openstack:sharedfilesystem/securityService:SecurityService",
        "openstack:sharedfilesystem/share:Share",
        "openstack:sharedfilesystem/shareAccess:ShareAccess",
        "openstack:index/taasTapMirrorV2:TaasTapMirrorV2",
    ),
    # --- Keycloak (the federation's identity provider) ----------------------------------------
    **_each(
        _INERT,
        "keycloak:index/group:Group",
        "keycloak:index/role:Role",
        "keycloak:index/user:User",
        "keycloak:index/groupMemberships:GroupMemberships",
        "keycloak:index/groupRoles:GroupRoles",
        "keycloak:index/userGroups:UserGroups",
        "keycloak:index/userRoles:UserRoles",
        "keycloak:index/defaultGroups:DefaultGroups",
        "keycloak:openid/clientScope:ClientScope",
        "keycloak:openid/clientDefaultScopes:ClientDefaultScopes",
        "keycloak:openid/groupMembershipProtocolMapper:GroupMembershipProtocolMapper",
        "keycloak:openid/audienceProtocolMapper:AudienceProtocolMapper",
        "keycloak:openid/userAttributeProtocolMapper:UserAttributeProtocolMapper",
    ),
    **_each(
        _FIELDS + " (redirect URIs, SMTP server, identity-provider and LDAP URLs)",
        "keycloak:index/realm:Realm",
        "keycloak:openid/client:Client",
        "keycloak:oidc/identityProvider:IdentityProvider",
        "keycloak:ldap/userFederation:UserFederation",
    ),
    # --- Kubernetes, by API group and kind --------------------------------------------------------
    **_each(
        _INERT,
        "kubernetes:core:LimitRange",
        "kubernetes:core:ResourceQuota",
        "kubernetes:core:ServiceAccount",
        "kubernetes:core:PersistentVolumeClaim",
        "kubernetes:rbac.authorization.k8s.io:Role",
        "kubernetes:rbac.authorization.k8s.io:RoleBinding",
        "kubernetes:rbac.authorization.k8s.io:ClusterRole",
        "kubernetes:rbac.authorization.k8s.io:ClusterRoleBinding",
        "kubernetes:policy:PodDisruptionBudget",
        "kubernetes:autoscaling:HorizontalPodAutoscaler",
        "kubernetes:scheduling.k8s.io:PriorityClass",
        "kubernetes:node.k8s.io:RuntimeClass",
        "kubernetes:coordination.k8s.io:Lease",
        "kubernetes:networking.k8s.io:IngressClass",
        "kubernetes:gateway.networking.k8s.io:GatewayClass",
        "kubernetes:gateway.networking.k8s.io:ReferenceGrant",
        "kubernetes:security.istio.io:PeerAuthentication",
        "kubernetes:monitoring.coreos.com:PrometheusRule",
    ),
    **_each(
        _FIELDS + " (and the Kubernetes structural rules: exposure, host network, pinning, images, policies)",
        "kubernetes:core:Namespace",
        "kubernetes:core:ConfigMap",
        "kubernetes:core:Secret",
        "kubernetes:core:Service",
        "kubernetes:core:Pod",
        "kubernetes:core:PodTemplate",
        "kubernetes:core:ReplicationController",
        "kubernetes:core:Endpoints",
        "kubernetes:core:PersistentVolume",
        "kubernetes:apps:Deployment",
        "kubernetes:apps:StatefulSet",
        "kubernetes:apps:DaemonSet",
        "kubernetes:apps:ReplicaSet",
        "kubernetes:batch:Job",
        "kubernetes:batch:CronJob",
        "kubernetes:networking.k8s.io:NetworkPolicy",
        "kubernetes:networking.k8s.io:Ingress",
        "kubernetes:discovery.k8s.io:EndpointSlice",
        "kubernetes:storage.k8s.io:StorageClass",
        "kubernetes:apiextensions.k8s.io:CustomResourceDefinition",
        "kubernetes:apiregistration.k8s.io:APIService",
        "kubernetes:admissionregistration.k8s.io:ValidatingWebhookConfiguration",
        "kubernetes:admissionregistration.k8s.io:MutatingWebhookConfiguration",
        "kubernetes:admissionregistration.k8s.io:ValidatingAdmissionPolicy",
        "kubernetes:admissionregistration.k8s.io:ValidatingAdmissionPolicyBinding",
        "kubernetes:helm.sh:Release",
        "kubernetes:helm.sh:Chart",
        "kubernetes:yaml:ConfigFile",
        "kubernetes:yaml:ConfigGroup",
        "kubernetes:kustomize:Directory",
        "kubernetes:cilium.io:CiliumNetworkPolicy",
        "kubernetes:cilium.io:CiliumClusterwideNetworkPolicy",
        "kubernetes:projectcalico.org:NetworkPolicy",
        "kubernetes:projectcalico.org:GlobalNetworkPolicy",
        "kubernetes:crd.projectcalico.org:NetworkPolicy",
        "kubernetes:crd.projectcalico.org:GlobalNetworkPolicy",
    ),
    **_each(
        _FIELDS + " (third-party custom resource: hosts, URLs, servers and addresses in its spec)",
        "kubernetes:networking.istio.io:ServiceEntry",
        "kubernetes:networking.istio.io:VirtualService",
        "kubernetes:networking.istio.io:DestinationRule",
        "kubernetes:networking.istio.io:Gateway",
        "kubernetes:networking.istio.io:Sidecar",
        "kubernetes:security.istio.io:AuthorizationPolicy",
        "kubernetes:gateway.networking.k8s.io:Gateway",
        "kubernetes:gateway.networking.k8s.io:HTTPRoute",
        "kubernetes:gateway.networking.k8s.io:GRPCRoute",
        "kubernetes:gateway.networking.k8s.io:TLSRoute",
        "kubernetes:gateway.networking.k8s.io:TCPRoute",
        "kubernetes:argoproj.io:Application",
        "kubernetes:argoproj.io:AppProject",
        "kubernetes:cert-manager.io:Issuer",
        "kubernetes:cert-manager.io:ClusterIssuer",
        "kubernetes:cert-manager.io:Certificate",
        "kubernetes:monitoring.coreos.com:Prometheus",
        "kubernetes:monitoring.coreos.com:Alertmanager",
        "kubernetes:monitoring.coreos.com:AlertmanagerConfig",
        "kubernetes:monitoring.coreos.com:ServiceMonitor",
        "kubernetes:monitoring.coreos.com:PodMonitor",
        "kubernetes:velero.io:BackupStorageLocation",
        "kubernetes:velero.io:VolumeSnapshotLocation",
        "kubernetes:velero.io:Backup",
        "kubernetes:velero.io:Schedule",
        "kubernetes:velero.io:Restore",
        "kubernetes:external-secrets.io:SecretStore",
        "kubernetes:external-secrets.io:ClusterSecretStore",
        "kubernetes:external-secrets.io:ExternalSecret",
    ),
}
# The project's own component resources declare nothing themselves: every child is judged.
REVIEWED_PREFIXES: Final[dict[str, str]] = {
    "sovcloud:": "the project's component resources: they declare nothing, every child is judged on its own",
}
# Dynamic resources run the program's own code; reviewed by the `kind` input they carry.
DYNAMIC: Final = "pulumi-python:dynamic:Resource"
REVIEWED_DYNAMIC_KINDS: Final[dict[str, str]] = _each(
    "Keystone federation objects created through the identity API of the provider's own site",
    "keystone-identity-provider",
    "keystone-mapping",
    "keystone-mapping-rules",
    "keystone-federation-protocol",
)
# Secret managers of public clouds (External Secrets providers): a store backed by one is outside.
PUBLIC_SECRET_PROVIDERS: Final = frozenset(
    {
        "aws",
        "gcpsm",
        "azurekv",
        "ibm",
        "akeyless",
        "oracle",
        "alibaba",
        "yandexcertificatemanager",
        "yandexlockbox",
        "doppler",
        "onepassword",
        "keepersecurity",
        "scaleway",
        "delinea",
        "infisical",
        "bitwarden",
        "passworddepot",
        "pulumi",
        "conjur",
        "beyondtrust",
        "previder",
        "fortanix",
        "passbolt",
        "device42",
        "cloudrusm",
        "secretserver",
        "onboardbase",
        "chef",
        "github",
        "gitlab",
    }
)


def review_key(resource_type: str, props: dict[str, object]) -> str | None:
    """The key a type is reviewed under (Kubernetes: group and kind, any version, Patch as its kind)."""
    if not resource_type.startswith("kubernetes:"):
        return resource_type
    group, kind = kubernetes_kind(resource_type, props)
    if resource_type != GENERIC_CUSTOM_RESOURCE:
        group = group or resource_type.split(":")[1].split("/")[0]
    if not kind:
        return None
    if resource_type.endswith("Patch") and kind.endswith("Patch"):
        kind = kind.removesuffix("Patch")
    return f"kubernetes:{group or 'core'}:{kind}"


def _velero_location(r: Resource) -> Iterator[str]:
    provider = text(get(r.props, "spec", "provider"))
    if isinstance(provider, Unknown):
        yield "spec.provider could not be verified during preview (unknown value)"
        return
    name = (provider or "").rsplit("/", 1)[-1]
    if name in {"gcp", "azure"}:
        yield f"spec.provider {provider!r} stores backups in a public cloud"
    elif name == "aws" and text(get(r.props, "spec", "config", "s3Url")) is None:
        yield "spec.config.s3Url is not set, so the aws plugin sends backups to AWS's public S3 endpoint"


def _secret_store(r: Resource) -> Iterator[str]:
    providers = mapping(get(r.props, "spec", "provider"))
    if isinstance(providers, Unknown):
        yield "spec.provider could not be verified during preview (unknown value)"
        return
    for name in sorted(providers):
        if name.lower() in PUBLIC_SECRET_PROVIDERS:
            yield f"spec.provider.{name} reads secrets from a service outside the federation"


DEFAULTS_OUTSIDE: Final[dict[str, Callable[[Resource], Iterator[str]]]] = {
    "kubernetes:velero.io:BackupStorageLocation": _velero_location,
    "kubernetes:velero.io:VolumeSnapshotLocation": _velero_location,
    "kubernetes:external-secrets.io:SecretStore": _secret_store,
    "kubernetes:external-secrets.io:ClusterSecretStore": _secret_store,
}


def _reviewed(r: Resource) -> Iterator[str]:
    if r.type == DYNAMIC:
        kind = r.props.get("kind")
        if isinstance(kind, Unknown):
            yield "the dynamic resource's kind could not be verified during preview (unknown value)"
        elif not isinstance(kind, str) or kind not in REVIEWED_DYNAMIC_KINDS:
            yield f"type not reviewed for egress and placement: dynamic resource of kind {kind!r}"
        return
    if any(r.type.startswith(prefix) for prefix in REVIEWED_PREFIXES):
        return
    key = review_key(r.type, r.props)
    if key is None:
        yield "type not reviewed for egress and placement: its apiVersion or kind could not be read"
        return
    if key not in REVIEWED:
        yield f"type not reviewed for egress and placement: {key}"
        return
    check = DEFAULTS_OUTSIDE.get(key)
    if check is not None:
        yield from check(r)


def _every(_resource_type: str) -> Check | None:
    return _reviewed


RULES: Final = [
    Rule(
        name="resource-type-reviewed",
        description=(
            "Every resource type has been reviewed for egress and placement; an unknown type (a new "
            "provider, an unreviewed custom resource) is denied."
        ),
        severity=Severity.CRITICAL,
        enforcement=MANDATORY,
        tags=("egress", "placement", "openstack", "kubernetes"),
        framework=NO_INTERNET,
        remediation=(
            "Review the type: read its schema for every field that names an address, host, URL or storage "
            "location and any default endpoint; then add it to REVIEWED in sovereign_rules/types_reviewed.py "
            "with its reason, and examples (policies/README.md, 'Reviewing a type')."
        ),
        fallback=_every,
    ),
]
