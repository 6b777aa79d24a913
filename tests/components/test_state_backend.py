"""The bootstrap stack, run offline through the real program: the state container and its twin."""

from __future__ import annotations

from typing import Any

import pytest
from federation_catalogue import Catalogue
from federation_catalogue.errors import ConfigError

from components.state_backend import StateBackendArgs
from infra.stack_kinds import parse_stack_config
from tests.conftest import OfflineStack, RunDocument, read_stack_document

CONTAINER = "openstack:objectstorage/container:Container"
EC2 = "openstack:identity/ec2CredentialV3:Ec2CredentialV3"
# What the preview mocks answer for `get_project(name=...)` / `get_user(name=...)`: `<name>-id`.
AUTOMATION_ACL = "sovcloud-state-id:sovcloud-automation-id"


@pytest.fixture
def bootstrap(run_document: RunDocument) -> OfflineStack:
    run = run_document("bootstrap", read_stack_document("bootstrap"))
    assert run.run.error is None, run.run.error
    return run


def _containers(stack: OfflineStack) -> dict[str, Any]:
    return {c.site or "-": c for c in stack.of_type(CONTAINER)}


def test_state_container_is_on_the_primary_site_through_its_own_provider(
    bootstrap: OfflineStack, catalogue: Catalogue
) -> None:
    state = catalogue.state_backend
    containers = _containers(bootstrap)
    assert set(containers) == {state.site, state.replica_site}
    providers = {p.urn: p for p in bootstrap.of_type("pulumi:providers:openstack")}
    for site, container in containers.items():
        assert container.inputs["name"] == state.bucket
        assert container.inputs["region"] == catalogue.site(site).region
        provider = providers[container.provider or ""]
        assert provider.name == f"state-{site}-openstack"
        assert provider.inputs["region"] == catalogue.site(site).region
        assert provider.inputs["cloud"] == f"sovcloud-state-{site}"


def test_both_containers_are_protected_retained_and_versioned(bootstrap: OfflineStack) -> None:
    for container in bootstrap.of_type(CONTAINER):
        assert container.protect and container.retain_on_delete
        assert container.inputs["versioning"] is True
        assert container.inputs["forceDestroy"] is False


def test_primary_syncs_to_its_twin_on_the_partner_site_with_a_shared_key(
    bootstrap: OfflineStack, catalogue: Catalogue
) -> None:
    state = catalogue.state_backend
    containers = _containers(bootstrap)
    primary, replica = containers[state.site], containers[state.replica_site]
    replica_region = catalogue.site(state.replica_site).region
    assert primary.inputs["containerSyncTo"] == f"//sovcloud/{replica_region}/AUTH_sovcloud-state-id/{state.bucket}"
    assert "containerSyncTo" not in replica.inputs  # the twin only receives
    assert primary.inputs["containerSyncKey"] == replica.inputs["containerSyncKey"]
    (key,) = bootstrap.of_type("random:index/randomPassword:RandomPassword")
    assert key.inputs["length"] >= 32
    assert replica.urn in primary.dependencies  # the twin (and its key) exists before anything syncs to it


def test_only_the_automation_identity_may_read_and_write(bootstrap: OfflineStack) -> None:
    for container in bootstrap.of_type(CONTAINER):
        assert container.inputs["containerRead"] == AUTOMATION_ACL
        assert container.inputs["containerWrite"] == AUTOMATION_ACL
        assert ".r:" not in container.inputs["containerRead"] and "*" not in container.inputs["containerRead"]


def test_each_site_has_an_ec2_credential_of_the_automation_identity(bootstrap: OfflineStack) -> None:
    credentials = {c.site: c for c in bootstrap.of_type(EC2)}
    assert set(credentials) == {"be", "lu"}
    for credential in credentials.values():
        assert credential.inputs["userId"] == "sovcloud-automation-id"
        assert credential.inputs["projectId"] == "sovcloud-state-id"


def test_outputs_name_the_backend_url_of_pulumi_yaml(bootstrap: OfflineStack, project_root: Any) -> None:
    import yaml

    url = yaml.safe_load((project_root / "Pulumi.yaml").read_text(encoding="utf-8"))["backend"]["url"]
    assert bootstrap.run.outputs["backendUrl"] == url


def test_a_bootstrap_config_typo_names_the_file_and_key(catalogue: Catalogue) -> None:
    document = read_stack_document("bootstrap")
    document["config"]["sovcloud:bootstrap"]["automation"]["usr"] = "someone"
    with pytest.raises(ConfigError) as raised:
        parse_stack_config(document["config"], "stacks/Pulumi.bootstrap.yaml", catalogue)
    assert raised.value.first_key == "sovcloud:bootstrap.automation.usr"
    assert "did you mean 'user'" in str(raised.value)


def test_clouds_for_a_site_that_holds_no_state_are_refused(catalogue: Catalogue) -> None:
    document = read_stack_document("bootstrap")
    document["config"]["sovcloud:bootstrap"]["clouds"]["fr"] = "sovcloud-state-fr"
    with pytest.raises(ConfigError) as raised:
        parse_stack_config(document["config"], "stacks/Pulumi.bootstrap.yaml", catalogue)
    assert raised.value.first_key == "sovcloud:bootstrap.clouds.fr"


def test_the_replica_must_be_on_the_other_site(catalogue: Catalogue) -> None:
    class _Same:
        site = catalogue.site("be")

    same: Any = _Same()
    with pytest.raises(ValueError, match="other site"):
        StateBackendArgs(bucket="b", primary=same, replica=same, automation_project="p", automation_user="u")
