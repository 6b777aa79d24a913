"""The project's state backend: Pulumi.yaml `backend.url` must be the federation's own object storage.

Pulumi picks the backend from `PULUMI_BACKEND_URL`, else Pulumi.yaml `backend.url`, else the stored
login; with none of them it logs in to Pulumi Cloud. So the project file must name the backend: an
`s3://` URL on the S3 API of the catalogue's `state_backend` site (Swift's s3api), over TLS.

`file://` is refused here on purpose: a project-wide backend on one workstation's disk is neither
replicated, nor protected, nor under the operations partner's access control, and nobody can say in
which country that disk is. The one moment a local state is right, the bootstrap stack that creates
the bucket, sets it for one shell with `PULUMI_BACKEND_URL=file://...` (see the README) and moves
the state into the bucket right after.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from federation_catalogue import Catalogue

from sovcloud.project_checks.federation_hosts import federation_hosts

PULUMI_CLOUD_HOSTS = ("pulumi.com",)
_TRUE = {"1", "t", "true", "yes"}


def backend_problem(url: str | None, catalogue: Catalogue, *, allow_replica: bool = False) -> str | None:
    """Why `url` is not the federation's state backend, or None when it is.

    `allow_replica`: the replica site's twin container is acceptable too (a documented takeover,
    when the primary site is lost); the project file always names the primary.
    """
    fed = catalogue.state_backend
    hosts = federation_hosts(catalogue)
    expected_host = hosts.object_storage.get(fed.site, "")
    expected = f"s3://{fed.bucket}?endpoint=https://{expected_host}&region={catalogue.site(fed.site).region}"
    if not url or not url.strip():
        return (
            "no backend: `pulumi login` would use the stored login or Pulumi Cloud "
            f"(valid: {expected}&s3ForcePathStyle=true)"
        )
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if scheme in ("http", "https"):
        if any(host == h or host.endswith(f".{h}") for h in PULUMI_CLOUD_HOSTS):
            return f"{url} is Pulumi Cloud, a service outside the federation (valid: {expected})"
        return f"{url} is a Pulumi Cloud API service, which the federation does not run (valid: {expected})"
    if scheme == "file":
        return (
            f"{url} keeps state on one machine's disk: not replicated, not protected, location unknown; "
            f"use file:// only for the bootstrap, through PULUMI_BACKEND_URL (valid: {expected})"
        )
    if scheme != "s3":
        return f"{url}: {scheme or 'this'} backends are outside the federation (valid: {expected})"
    query = parse_qs(parts.query)
    endpoint = (query.get("endpoint") or [""])[0]
    if not endpoint:
        return f"{url} has no endpoint: it would store state in AWS S3 (valid: {expected})"
    endpoint_parts = urlsplit(endpoint if "://" in endpoint else f"//{endpoint}")
    endpoint_host = (endpoint_parts.hostname or "").lower()
    replica_host = hosts.object_storage.get(fed.replica_site, "")
    if endpoint_host != expected_host and not (allow_replica and endpoint_host == replica_host):
        where = next((k for k, h in hosts.object_storage.items() if h == endpoint_host), None)
        if where is not None:
            return (
                f"endpoint {endpoint} is site {where}'s object storage, not the state backend site "
                f"{fed.site}'s (valid: {expected})"
            )
        return f"endpoint {endpoint} is not the object storage of the federation (valid: {expected})"
    insecure = endpoint_parts.scheme.lower() == "http" or any(
        (query.get(flag) or ["false"])[0].lower() in _TRUE for flag in ("disableSSL", "disable_https")
    )
    if insecure:
        return f"{url} sends state, which holds credentials, without TLS (valid: {expected})"
    if host != fed.bucket:
        return f"bucket {host!r} is not the federation's state container {fed.bucket!r} (valid: {expected})"
    return None
