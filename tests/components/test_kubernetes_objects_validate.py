"""Every Kubernetes object the stacks declare is valid against the upstream OpenAPI schemas
(kubernetes-validate, offline), in the exact form the provider would send to the API server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
from federation_catalogue import load_catalogue

from sovcloud.engine.records import to_records
from sovcloud.engine.runner import run_stack
from sovcloud.engine.stack_files import Project, discover_stacks
from sovcloud.results import ResourceRecord

ROOT = Path(__file__).resolve().parents[2]
KUBERNETES_VERSION = "1.31.0"  # the federation's clusters; the schemas ship with kubernetes-validate


def integral(value: Any) -> Any:
    """Numbers cross the wire as floats (`2.0`); the API server's schemas want integers."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: integral(v) for k, v in value.items()}
    if isinstance(value, list):
        return [integral(v) for v in value]
    return value


def kubernetes_objects() -> list[tuple[str, ResourceRecord]]:
    project = Project.load(ROOT)
    catalogue = load_catalogue()
    found: list[tuple[str, ResourceRecord]] = []
    exports: dict[str, Any] = {}
    for stack_file in discover_stacks(project.stack_config_dir, project.name):
        run = run_stack(project, stack_file, stack_outputs=exports)
        assert run.error is None, run.error
        exports[stack_file.stack] = exports[f"organization/{project.name}/{stack_file.stack}"] = run.outputs
        records = to_records(
            run.registrations,
            stack=stack_file.stack,
            project=project.name,
            catalogue=catalogue,
            config=stack_file.config,
        )
        found += [(stack_file.stack, r) for r in records if r.custom and r.type.startswith("kubernetes:")]
    return found


OBJECTS = kubernetes_objects()


def test_the_stacks_declare_kubernetes_objects_of_every_kind_we_use() -> None:
    kinds = {r.inputs.get("kind") for _, r in OBJECTS}
    assert {"Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "Deployment"} <= kinds


@pytest.mark.parametrize(("stack", "record"), OBJECTS, ids=[f"{s}:{r.name}" for s, r in OBJECTS])
def test_object_is_valid_for_the_api_server(stack: str, record: ResourceRecord) -> None:
    manifest = integral(record.inputs)
    assert manifest.get("apiVersion") and manifest.get("kind"), f"{stack}: {record.name} has no apiVersion/kind"
    kubernetes_validate.validate(manifest, KUBERNETES_VERSION, strict=True)


def test_the_validator_refuses_what_the_api_server_would() -> None:
    (deployment,) = [r for _, r in OBJECTS if r.inputs.get("kind") == "Deployment"][:1]
    broken = integral(deployment.inputs)
    broken["spec"]["replicas"] = "two"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)
    broken = integral(deployment.inputs)
    broken["spec"]["template"]["spec"]["hostNetwrok"] = True  # a typo: strict mode refuses unknown fields
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)
