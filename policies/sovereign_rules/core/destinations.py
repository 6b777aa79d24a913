"""Every destination a value names, read the way the clients that dial it read it, and judged.

A string is cut into tokens; each token is read as a URL (any scheme, JDBC included, several
hosts, user-info, query parameters and URLs nested in them), `user@host:path`, `host:port`, an
address or range, or a bare host name (`registry.x/path:tag` names `registry.x`). Where parsers
disagree on a URL's host (Python's `urlsplit`, a WHATWG-style reading that takes `\\` for `/` and
decodes `%xx`, and a reading that splits user-info at the first `@`), every host any of them sees
is judged. Addresses are read in every form `inet_aton` and browsers accept when they sit where a
host goes (`http://0x7f.1/`, `http://2130706433/`); a bare token counts as an address only when it
cannot be a version (four parts, or a `0x` part), since `1.25` and `5.2.0` are versions.
Strings that are JSON or YAML documents (a kubeconfig, endpoint overrides, chart values) are
walked as documents, their paths appended to the field's.

Inside the federation: addresses and ranges in the plan; loopback and link-local (they never leave
the host or the link); a bare bind-all `0.0.0.0` / `::` (a listen address; `0.0.0.0/0` is every
address); hosts under the federation's internal domain; cluster-internal names (`*.svc`,
`*.cluster.local`, `localhost`) and single-label names (resolved through the site's search
domains). IPv4-mapped and IPv4-compatible IPv6 are judged as the IPv4 they carry.
"""

from __future__ import annotations

import ipaddress
import json
import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any, Final
from urllib.parse import parse_qsl, unquote, urlsplit

import yaml
from federation_catalogue import Catalogue
from federation_catalogue.sites import eu_sites, site_domain

from .addresses import Network
from .values import Unknown

_MAX_DEPTH: Final = 8
_MAX_TOKEN: Final = 4096
_MAX_DOCUMENT: Final = 1_000_000
_SPLIT: Final = re.compile(r"""[\s"'`<>(){}|;]+""")
_SUBSPLIT: Final = re.compile(r"[=,]+")
_STRIP_LEAD: Final = "([{<"
_STRIP_TRAIL: Final = ".,;!?)]}>"
_SCHEME: Final = re.compile(r"^([A-Za-z][A-Za-z0-9+.:-]*?):(//.*)$", re.DOTALL)
_SCP: Final = re.compile(r"^[^@\s/:]+@(\[[^\]]+\]|[^:/\s@\[\]]+):(?!//)")
_EMAIL: Final = re.compile(r"^[^@\s/:\\]+@[^@\s/:\\]+$")
_HOST_PORT: Final = re.compile(r"^(\[[^\]]+\]|[^:/\s@\[\]]+):(\d{1,5})(/.*)?$")
_LABEL: Final = r"(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)"
_HOST_NAME: Final = re.compile(rf"^(?:\*\.)?(?:{_LABEL}\.)+[a-z][a-z0-9-]*[a-z0-9]$")
_NUMBER: Final = re.compile(r"^(0x[0-9a-f]*|0[0-7]*|[1-9][0-9]*)$", re.IGNORECASE)
_ORACLE_HOST: Final = re.compile(r"\(HOST\s*=\s*([^)\s]+)\)", re.IGNORECASE)
# Object-store schemes name a bucket, not a host: without an `endpoint` the cloud's public one is used.
_BUCKET_SCHEMES: Final = frozenset(
    {"s3", "s3a", "s3n", "gs", "gcs", "az", "abfs", "abfss", "wasb", "wasbs", "adl", "oss"}
)
_ENDPOINT_PARAMETERS: Final = ("endpoint", "endpoint_url", "endpointurl", "s3endpoint", "host")
_CLUSTER_SUFFIXES: Final = (".svc", ".cluster.local", ".localhost")
_CLUSTER_NAMES: Final = frozenset({"localhost", "cluster.local"})
_LOOPBACK_AND_LINK: Final = tuple(
    ipaddress.ip_network(n) for n in ("127.0.0.0/8", "169.254.0.0/16", "::1/128", "fe80::/10")
)
_MAPPED: Final = ipaddress.IPv6Network("::ffff:0:0/96")
_COMPATIBLE: Final = ipaddress.IPv6Network("::/96")


@dataclass(frozen=True)
class Destination:
    """One thing a token would reach: a host name, an address or range, or why it cannot be read."""

    token: str
    host: str | None = None
    network: Network | None = None
    listen: bool = False
    problem: str | None = None


# --- walking values, documents inside strings included --------------------------------------


def _document(text: str) -> Any:
    """The JSON or YAML document a string holds (a mapping or list), else None."""
    stripped = text.strip()
    if len(stripped) > _MAX_DOCUMENT or not stripped:
        return None
    if stripped[0] in "{[":
        try:
            return json.loads(stripped)
        except ValueError:
            pass
    if "\n" in stripped or stripped[0] in "{[":
        try:
            loaded = yaml.safe_load(stripped)
        except yaml.YAMLError:
            return None
        return loaded if isinstance(loaded, dict | list) else None
    return None


def strings(value: Any, path: tuple[str, ...] = (), depth: int = 0) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every string (and every unknown) inside `value` with its path; a string that holds a JSON or
    YAML document is walked as that document, its keys appended to the path."""
    if depth > _MAX_DEPTH * 8:
        return
    if isinstance(value, Unknown):
        yield path, value
    elif isinstance(value, dict):
        for key, child in value.items():
            yield from strings(child, (*path, str(key)), depth + 1)
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from strings(child, (*path, str(index)), depth + 1)
    elif isinstance(value, str):
        document = _document(value) if depth < _MAX_DEPTH * 8 else None
        if document is None:
            yield path, value
        else:
            yield from strings(document, path, depth + 8)


# --- reading tokens ---------------------------------------------------------------------------


def tokens(text: str) -> Iterator[str]:
    for raw in _SPLIT.split(text):
        token = raw.lstrip(_STRIP_LEAD).rstrip(_STRIP_TRAIL)
        if token and len(token) <= _MAX_TOKEN:
            yield token


def _inet_aton(text: str) -> ipaddress.IPv4Address | None:
    """An IPv4 address in any form `inet_aton` (and the WHATWG URL parser) accepts, else None."""
    parts = text.split(".")
    if parts and parts[-1] == "":
        parts = parts[:-1]
    if not 1 <= len(parts) <= 4 or not all(_NUMBER.match(p) for p in parts):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(".".join(parts)))
    except (OSError, ValueError):
        return None


def _bare_inet_aton(text: str) -> ipaddress.IPv4Address | None:
    """A bare token read as an address only when it cannot be a version number."""
    parts = text.split(".")
    if len(parts) == 4 or any(p.lower().startswith("0x") for p in parts):
        return _inet_aton(text)
    return None


def _embedded_ipv4(network: Network) -> Network:
    """IPv4-mapped (`::ffff:a.b.c.d`) and IPv4-compatible (`::a.b.c.d`) IPv6 read as their IPv4."""
    if isinstance(network, ipaddress.IPv6Network) and network.prefixlen >= 96:
        for carrier in (_MAPPED, _COMPATIBLE):
            if network.subnet_of(carrier) and int(network.network_address) > 1:
                mapped = int(network.network_address) & 0xFFFFFFFF
                return ipaddress.IPv4Network((mapped, network.prefixlen - 96))
    return network


def _address(text: str, *, bare: bool) -> Destination | None:
    """An address or range, with a zone index or brackets tolerated; None when it is not one."""
    candidate = text.strip()
    if candidate.startswith("[") and candidate.endswith("]"):
        candidate = candidate[1:-1]
    candidate = candidate.split("%", 1)[0] if "%" in candidate and ":" in candidate else candidate
    try:
        network: Network = ipaddress.ip_network(candidate, strict=False)
    except ValueError:
        v4 = _bare_inet_aton(candidate) if bare else _inet_aton(candidate)
        if v4 is None:
            return None
        network = ipaddress.IPv4Network(v4)
    listen = "/" not in candidate and network.num_addresses == 1 and network.network_address.is_unspecified
    return Destination(text, network=_embedded_ipv4(network), listen=listen)


def _host(text: str, token: str) -> Destination:
    """A host as it sits in a URL or `host:port`: an address in any form, else a normalised name."""
    found = _address(text, bare=False)
    if found is not None:
        return Destination(token, network=found.network, listen=found.listen)
    try:
        name = unquote(text).strip().rstrip(".")
        name = name.encode("idna").decode("ascii").lower() if name else ""
    except UnicodeError:
        return Destination(token, problem=f"the host {text!r} could not be read")
    if not name:
        return Destination(token, problem="the host is empty")
    last = name.rsplit(".", 1)[-1]
    if _NUMBER.match(last):  # WHATWG reads a host ending in a number as an IPv4 address
        v4 = _inet_aton(name)
        if v4 is None:
            return Destination(token, problem=f"the host {text!r} is neither a name nor an address")
        return Destination(token, network=ipaddress.IPv4Network(v4))
    if not re.fullmatch(r"[a-z0-9_*.-]+", name):
        return Destination(token, problem=f"the host {text!r} is not a host name")
    return Destination(token, host=name.removeprefix("*."))


def _authority_hosts(authority: str, first_at: bool) -> list[str]:
    """Host texts of one authority (`user@h1:1,h2:2`), user-info cut at the last or first `@`."""
    if "@" in authority:
        authority = authority.split("@", 1)[1] if first_at else authority.rsplit("@", 1)[1]
    hosts: list[str] = []
    for part in authority.split(","):
        part = part.strip()
        if part.startswith("["):
            hosts.append(part[: part.find("]") + 1] if "]" in part else part)
        else:
            hosts.append(part.split(":", 1)[0])
    return hosts


def _url(scheme: str, rest: str, token: str, depth: int) -> Iterator[Destination]:
    scheme = scheme.lower()
    after = rest[2:]
    seen: set[str] = set()
    readings: list[str] = []
    # urlsplit: authority ends at / ? #, user-info cut at the last @
    try:
        netloc = urlsplit(f"{scheme}:{rest}").netloc if ":" not in scheme else urlsplit(f"x:{rest}").netloc
        readings += _authority_hosts(netloc, first_at=False)
    except ValueError:
        pass
    whatwg = re.split(r"[/?#\\]", after, maxsplit=1)[0]
    readings += _authority_hosts(whatwg, first_at=False)
    readings += _authority_hosts(re.split(r"[/?#;]", after, maxsplit=1)[0], first_at=True)
    bucket = scheme.rsplit(":", 1)[-1] in _BUCKET_SCHEMES
    query = urlsplit(f"x:{rest}").query if "?" in rest else ""
    parameters = dict((k.lower(), v) for k, v in parse_qsl(query, keep_blank_values=True)) if query else {}
    if bucket:
        endpoint = next((parameters[p] for p in _ENDPOINT_PARAMETERS if parameters.get(p)), None)
        if endpoint is None:
            yield Destination(
                token, problem=f"{scheme}:// names a bucket at the cloud's default public endpoint (no endpoint given)"
            )
        readings = []
    for text in readings:
        if text in seen or not text:  # no host: a local socket or file
            continue
        seen.add(text)
        yield _host(text, token)
    for value in parameters.values():
        yield from destinations(value, depth + 1)
    nested = re.search(r"[A-Za-z][A-Za-z0-9+.-]*://", after)
    if nested:
        yield from destinations(after[nested.start() :], depth + 1)


def _jdbc(token: str, depth: int) -> Iterator[Destination]:
    body = token[5:]
    oracle = _ORACLE_HOST.findall(body)
    if oracle:
        for host in oracle:
            yield _host(host, token)
        return
    if "://" in body:
        scheme, _, rest = body.partition("://")
        rest = re.split(r"[;\\]", rest, maxsplit=1)[0]
        yield from _url(scheme, "//" + rest, token, depth)
    elif "@" in body:
        target = re.split(r"[:/]", body.rsplit("@", 1)[1].lstrip("/"), maxsplit=1)[0]
        if target:
            yield _host(target, token)


def _token(token: str, depth: int) -> Iterator[Destination]:
    if token.lower().startswith("jdbc:"):
        yield from _jdbc(token, depth)
        return
    url = _SCHEME.match(token)
    if url:
        yield from _url(url.group(1), url.group(2), token, depth)
        return
    if token.startswith("//"):
        yield from _url("", token, token, depth)
        return
    scp = _SCP.match(token)
    if scp:
        yield _host(scp.group(1), token)
        return
    if _EMAIL.match(token):
        return  # a mailbox names who to write to, not a destination of the cloud
    host_port = _HOST_PORT.match(token)
    if host_port:
        if not host_port.group(1).isdigit():  # `10:30` is a time or a ratio, not a host
            yield _host(host_port.group(1), token)
        return
    parts = [p for p in _SUBSPLIT.split(token) if p]
    if len(parts) > 1:  # `--flag=value`, `a,b`: each part on its own
        for part in parts:
            yield from _token(part.lstrip(_STRIP_LEAD).rstrip(_STRIP_TRAIL), depth)
        return
    address = _address(token, bare=True)
    if address is not None:
        yield address
        return
    head = token.split("/", 1)[0]
    if head != token:
        address = _address(head, bare=True)
        if address is not None:
            yield address
            return
    try:
        name = head.rstrip(".").encode("idna").decode("ascii").lower() if head else ""
    except UnicodeError:
        yield Destination(token, problem=f"{head!r} could not be read as a host name")
        return
    if _HOST_NAME.match(name):
        yield Destination(token, host=name.removeprefix("*."))
    elif any(c in token for c in "@:\\"):  # an unusual form: judge every host-like piece of it
        for piece in re.split(r"[@:/\\]+", token):
            found = _address(piece, bare=True) if piece else None
            piece_name = piece.rstrip(".").lower()
            if found is not None and piece != token:
                yield found
            elif piece_name != name and _HOST_NAME.match(piece_name):
                yield Destination(token, host=piece_name.removeprefix("*."))


def destinations(text: str, depth: int = 0) -> Iterator[Destination]:
    """Every destination one string names (not the documents inside it: see `strings`)."""
    if depth > _MAX_DEPTH:
        return
    for token in tokens(text):
        yield from _token(token, depth)


def host_destination(text: str) -> Destination:
    """A value that is by its field a host (`externalName`, `hosts`): `*` is every host."""
    value = text.strip()
    if value in {"*", "*/*"}:
        return Destination(value, problem="'*' matches every host")
    found = list(destinations(value))
    return found[0] if found else _host(value.rsplit("/", 1)[-1], value)


# --- judging ----------------------------------------------------------------------------------


@cache
def _internal_domains(sites: tuple[str, ...]) -> tuple[str, ...]:
    """The federation's internal domain: the sites' common parent domain when it has two labels
    or more (`sov.internal`), else each site's own domain."""
    if not sites:
        return ()
    labels = [d.split(".") for d in sites]
    common: list[str] = []
    for parts in zip(*(reversed(x) for x in labels), strict=False):
        if len(set(parts)) != 1:
            break
        common.insert(0, parts[0])
    return (".".join(common),) if len(common) >= 2 else tuple(sorted(set(sites)))


def internal_domains(catalogue: Catalogue) -> tuple[str, ...]:
    return _internal_domains(tuple(site_domain(s) for s in eu_sites(catalogue).values()))


def _inside_network(network: Network, catalogue: Catalogue) -> bool:
    plan = catalogue.address_plan.federation.networks()
    return any(
        network.version == allowed.version and network.subnet_of(allowed)  # type: ignore[arg-type]
        for allowed in (*plan, *_LOOPBACK_AND_LINK)
    )


def outside(destination: Destination, catalogue: Catalogue) -> str | None:
    """Why `destination` is outside the federation, or None when it is inside."""
    if destination.problem is not None:
        return destination.problem
    if destination.network is not None:
        if destination.listen or _inside_network(destination.network, catalogue):
            return None
        return f"{destination.network} is outside the federation's address plan"
    host = destination.host or ""
    if "." not in host or host in _CLUSTER_NAMES or host.endswith(_CLUSTER_SUFFIXES):
        return None
    if any(host == d or host.endswith("." + d) for d in internal_domains(catalogue)):
        return None
    return f"host {host} is outside the federation's internal domain ({', '.join(internal_domains(catalogue))})"
