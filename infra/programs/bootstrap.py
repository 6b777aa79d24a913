"""The bootstrap stack: the container the project's own state lives in.

Why a separate stack: a stack cannot create its own backend (the CLI must log in to the backend
before the program runs, and the state of the `up` that creates the bucket has to be written
somewhere). So this stack runs once with a local state (`PULUMI_BACKEND_URL=file://...`, which
overrides Pulumi.yaml's backend for that shell), creates the container on the primary site and its
synchronised twin, then its own state is moved into the container (`pulumi stack export` from the
local backend, `pulumi stack import` into the federation's) and the local copy is shredded. From
then on it is a stack like the others, in the bucket it declares; its resources are protected, so
nothing it manages can be deleted by accident. The exact commands are in the README.
"""

from __future__ import annotations

import pulumi
from federation_catalogue import Catalogue

from components.site_providers import SiteProviders, SiteProvidersArgs
from components.state_backend import StateBackend, StateBackendArgs
from model.config.bootstrap import BootstrapConfig


def run(config: BootstrapConfig, catalogue: Catalogue) -> None:
    backend = catalogue.state_backend
    providers = {
        key: SiteProviders(
            f"state-{key}",
            SiteProvidersArgs(site=catalogue.site(key), catalogue=catalogue, cloud=config.cloud_for(key)),
        )
        for key in (backend.site, backend.replica_site)
    }
    state = StateBackend(
        "state",
        StateBackendArgs(
            bucket=backend.bucket,
            primary=providers[backend.site],
            replica=providers[backend.replica_site],
            automation_project=config.automation.project,
            automation_user=config.automation.user,
            sync_realm=config.sync_realm,
        ),
    )
    primary = catalogue.site(backend.site)
    endpoint = str(primary.object_storage_endpoint).rstrip("/")
    pulumi.export(
        "backendUrl",
        f"s3://{backend.bucket}?endpoint={endpoint}&region={primary.region}&s3ForcePathStyle=true",
    )
    pulumi.export(
        "containers", {backend.site: state.container.name, backend.replica_site: state.replica_container.name}
    )
    # AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY for `pulumi login`: `pulumi stack output --show-secrets`.
    pulumi.export(
        "stateCredentials",
        {
            key: {"accessKeyId": credential.access, "secretAccessKey": pulumi.Output.secret(credential.secret)}
            for key, credential in state.credentials.items()
        },
    )
