"""No stack refers to a service outside the federation: no Pulumi ESC environment, no foreign URL.

A value names a service when it is a URL (`scheme://host...`), a `host:port` or `host/path`
reference (a registry, a mirror), a bare hostname under a key that says so (`...Url`, `...Host`,
`...Endpoint`), or an IP address. It is inside when its host is in the federation's DNS zone or
its address in the federation's plan (see federation_hosts.py). Ranges (CIDRs) are the config
models' and the pack's business, not this check's.

Provenance is not a destination: a platform image's `upstreamSource` records where its bytes came
from (SCS-0104 wants the upstream URL); the program uploads the `file` from the site mirror.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from federation_catalogue import Catalogue

from sovcloud.project_checks.federation_hosts import FederationHosts
from sovcloud.project_checks.located import Leaf
from sovcloud.project_checks.words import key_words

PROVENANCE_KEYS = frozenset({"upstreamSource"})
HOST_KEY_WORDS = frozenset(
    {"url", "uri", "endpoint", "host", "hostname", "server", "address", "addr", "registry", "mirror", "issuer"}
)
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOSTNAME = rf"(?:{_LABEL}\.)+[A-Za-z]{{2,63}}"
# `host:port[/...]` or `host/path` with a dotted host: what registries and mirrors look like.
_HOST_REFERENCE = re.compile(rf"^(?P<host>{_HOSTNAME})(?::[0-9]{{1,5}})?(?:/\S*)?$")
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://\S+$")


def esc_problem(environment: object) -> str:
    names: list[str] = []
    if isinstance(environment, list):
        names = [str(n) for n in environment]
    elif isinstance(environment, dict):
        imports = environment.get("imports")
        names = [str(n) for n in imports] if isinstance(imports, list) else []
    shown = f" ({', '.join(names)})" if names else ""
    return (
        f"imports Pulumi ESC environment{'s' if len(names) > 1 else ''}{shown}: ESC runs in Pulumi Cloud, "
        "outside the federation; keep config in the stack file and secrets as `secure:` values"
    )


def referenced_host(leaf: Leaf) -> tuple[str, str] | None:
    """(host, what) when the leaf's value names a service, else None."""
    value = leaf.value
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or any(c.isspace() for c in text):
        return None
    if _URL.match(text):
        host = urlsplit(text).hostname
        return (host, f"URL {text}") if host else None
    address = _address(text)
    if address is not None:
        return str(address), f"address {text}"
    match = _HOST_REFERENCE.match(text)
    if match and ("/" in text or ":" in text):
        return match["host"], f"reference {text}"
    name = leaf.path[-1] if leaf.path else ""
    if match and isinstance(name, str) and set(key_words(name)) & HOST_KEY_WORDS:
        return match["host"], f"host {text}"
    return None


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        return None


def outside_problems(leaf: Leaf, hosts: FederationHosts, catalogue: Catalogue) -> Iterator[str]:
    if leaf.secure or (leaf.path and leaf.path[-1] in PROVENANCE_KEYS):
        return
    found = referenced_host(leaf)
    if found is None:
        return
    host, what = found
    if not hosts.inside(host, catalogue):
        zone = f"a host of {hosts.zone}" if hosts.zone else "a catalogue host"
        plan = catalogue.address_plan.federation
        yield f"{what} points outside the federation (valid: {zone}, or an address in {plan.ipv4} / {plan.ipv6})"
