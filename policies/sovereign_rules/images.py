"""Supply chain of OpenStack images: bytes only from the site mirrors, provenance as SCS metadata.

One rule owns the image's source: a URL off the mirrors is both egress (the bytes are fetched from
outside) and placement (a mirror is an EU site's), so it is tagged with both and reported once.

In a disconnected cloud the upstream URL (`image_source` property, SCS-0104) is provenance
metadata; the bytes must come from a site image mirror. Allow-list entries end with `/` so a
look-alike host does not match.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from pulumi_policy import Severity

from .core.catalogue import sites_of, with_separator
from .core.framework import ADVISORY, MANDATORY, Resource, Rule, framework
from .core.references import NO_INTERNET
from .core.types import IMAGE
from .core.values import Unknown, mapping, text

SCS_MANDATORY_PROPERTIES: Final = (
    "architecture",
    "hw_disk_bus",
    "os_distro",
    "os_version",
    "replace_frequency",
    "provided_until",
    "uuid_validity",
    "image_source",
    "image_description",
    "image_build_date",
    "image_original_user",
)


def _from_mirror(r: Resource) -> Iterator[str]:
    source = r.props.get("imageSourceUrl")
    if isinstance(source, Unknown):
        yield "imageSourceUrl could not be verified during preview (unknown value)"
        return
    url = text(source)
    if url is None:
        return  # uploaded from a local file through the API, or an image without data
    mirrors = [with_separator(str(s.image_mirror)) for s in sites_of(r.catalogue)]
    if not any(str(url).startswith(m) for m in mirrors):
        yield f"imageSourceUrl {url!r} is not under a site image mirror ({', '.join(mirrors)})"


def _scs_metadata(r: Resource) -> Iterator[str]:
    properties = mapping(r.props.get("properties"))
    if isinstance(properties, Unknown):
        yield "properties could not be verified during preview (unknown value)"
        return
    missing = [key for key in SCS_MANDATORY_PROPERTIES if text(properties.get(key)) is None]
    if missing:
        yield f"properties lack the SCS-0102 mandatory keys: {', '.join(missing)}"
    for field in ("minDiskGb", "minRamMb"):
        if r.props.get(field) is None:
            yield f"{field} is not set (SCS-0102 min_disk / min_ram)"


RULES: Final = [
    Rule(
        name="image-imported-from-site-mirror",
        description="Images are imported only from a site image mirror, never from an upstream URL.",
        severity=Severity.HIGH,
        enforcement=MANDATORY,
        tags=("egress", "placement", "supply-chain", "openstack"),
        framework=NO_INTERNET,
        remediation=(
            "Set image_source_url under the site's image_mirror (federation.yaml) and record the upstream URL "
            "in properties.image_source."
        ),
        checks={IMAGE: _from_mirror},
    ),
    Rule(
        name="image-carries-scs-metadata",
        description="Images carry the SCS-0102 mandatory metadata, provenance included.",
        severity=Severity.LOW,
        enforcement=ADVISORY,
        tags=("supply-chain", "scs", "openstack"),
        framework=framework("SCS", "scs-0102", "Image metadata: architecture, OS, provenance, lifecycle."),
        remediation="Add the SCS-0102 properties and min_disk_gb / min_ram_mb to the image.",
        checks={IMAGE: _scs_metadata},
    ),
]
