"""Resource URNs exactly as the Pulumi engine writes them, and their parts read back.

The engine, not the SDK, names resources: `generateURN` in pulumi/pulumi
`pkg/resource/deploy/deployment.go` takes the parent's *qualified* type (its whole type path),
leaves out the root stack's type, and joins with `urn.New` (`sdk/go/common/resource/urn/urn.go`):
`urn:pulumi:STACK::PROJECT::[PARENT_QUALIFIED_TYPE$]TYPE::NAME`. The SDK's mock monitor builds
them differently (root stack kept, only the parent's last type), so every URN we report, and every
URN an engine event log holds, is made or read here and nowhere else.
"""

from __future__ import annotations

PREFIX = "urn:pulumi:"
NAME_DELIMITER = "::"
TYPE_DELIMITER = "$"
ROOT_STACK_TYPE = "pulumi:pulumi:Stack"


def make_urn(stack: str, project: str, parent_urn: str | None, type_: str, name: str) -> str:
    """The URN the engine gives a resource of `type_` named `name` registered under `parent_urn`."""
    parent_type = qualified_type(parent_urn) if parent_urn else ""
    qualified = type_ if parent_type in ("", ROOT_STACK_TYPE) else f"{parent_type}{TYPE_DELIMITER}{type_}"
    return f"{PREFIX}{stack}{NAME_DELIMITER}{project}{NAME_DELIMITER}{qualified}{NAME_DELIMITER}{name}"


def root_stack_urn(stack: str, project: str) -> str:
    """The root stack resource, named `<project>-<stack>` by the SDK's language runtime."""
    return make_urn(stack, project, None, ROOT_STACK_TYPE, f"{project}-{stack}")


def _parts(urn: str) -> list[str]:
    """[stack, project, qualified type, name]; the name keeps any `::` it contains (as `Name()` does)."""
    if not urn.startswith(PREFIX):
        return []
    return urn[len(PREFIX) :].split(NAME_DELIMITER, 3)


def is_urn(value: str) -> bool:
    return len(_parts(value)) == 4


def urn_stack(urn: str) -> str:
    parts = _parts(urn)
    return parts[0] if parts else ""


def urn_project(urn: str) -> str:
    parts = _parts(urn)
    return parts[1] if len(parts) > 1 else ""


def qualified_type(urn: str) -> str:
    """The type with every ancestor's type in front (`a:b:A$c:d:C`)."""
    parts = _parts(urn)
    return parts[2] if len(parts) > 2 else ""


def urn_type(urn: str) -> str:
    """The resource's own type: the last part of the qualified type."""
    return qualified_type(urn).rsplit(TYPE_DELIMITER, 1)[-1]


def urn_name(urn: str) -> str:
    parts = _parts(urn)
    return parts[3] if len(parts) > 3 else ""


def provider_urn(reference: str) -> str:
    """The URN of a provider reference as the SDK sends it (`URN::ID`; the ID may be empty or unknown)."""
    return reference.rsplit(NAME_DELIMITER, 1)[0] if reference.count(NAME_DELIMITER) > 3 else reference


def default_provider_name(version: str = "", download_url: str = "") -> str:
    """The name the engine gives a package's default provider (`ProviderRequest.DefaultName` in
    pulumi/pulumi `pkg/resource/deploy/providers/provider.go`): `default`, then the version's
    major, minor, patch, pre-release and build parts, then the plugin URL made a QName, all `_`-joined."""
    parts = ["default"]
    if version:
        core, _, build = version.partition("+")
        release, _, pre = core.partition("-")
        parts += release.split(".")
        parts += [p for p in pre.split(".") if p]
        parts += [p for p in build.split(".") if p]
    if download_url:
        parts.append(_as_qname(download_url))
    return "_".join(parts)


def _as_qname(text: str) -> str:
    """`tokens.IntoQName`: each `/`-separated segment keeps `[A-Za-z0-9_.-]`, anything else becomes `_`."""
    segments = ["".join(c if c.isascii() and (c.isalnum() or c in "_.-") else "_" for c in s) for s in text.split("/")]
    return "/".join(s for s in segments if s) or "_"


def default_provider_urn(stack: str, project: str, package: str, version: str = "", download_url: str = "") -> str:
    """A default provider is registered with no parent (`newRegisterDefaultProviderEvent`)."""
    return make_urn(stack, project, None, f"pulumi:providers:{package}", default_provider_name(version, download_url))
