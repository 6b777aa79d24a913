"""No secret reaches a report or an error: values marked secret or under a credential-looking key
never appear in any format, and config errors say what was expected, never what was given."""

from __future__ import annotations

import copy
import json
import string
from pathlib import Path
from typing import Any

import pytest
import yaml
from federation_catalogue.errors import ConfigError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infra.stack_kinds import parse_stack_config
from model.config.loader import read_stack_file
from sovcloud.redaction import SECRET_SIG, SIG_KEY
from sovcloud.report import FORMATS, render
from sovcloud.results import CheckResult, Finding, Level, ResourceRecord, Source, StackResult

ROOT = Path(__file__).resolve().parents[2]
TENANT = yaml.safe_load((ROOT / "stacks" / "Pulumi.tenant-bank-bcee.yaml").read_text(encoding="utf-8"))
URN = "urn:pulumi:tenant-x::sovcloud::keycloak:openid/client:Client::app"
SECRETS = st.text(alphabet=string.ascii_letters + string.digits + "!#%+-_.", min_size=10, max_size=30).filter(
    lambda s: any(c.isdigit() for c in s) and any(c.isalpha() for c in s)
)
CREDENTIAL_KEYS = ["password", "adminPass", "clientSecret", "secret_access_key", "apiToken", "privateKey",
                   "applicationCredentialSecret", "DB_PASSWORD", "passphrase"]  # fmt: skip


def result_with(inputs: dict[str, Any], message: str, outputs: dict[str, Any]) -> CheckResult:
    record = ResourceRecord(urn=URN, type="keycloak:openid/client:Client", name="app", custom=True, inputs=inputs)
    finding = Finding(
        policy="some-policy", level=Level.MANDATORY, message=message, source=Source.POLICY, urn=URN, file="f.yaml"
    )
    stack = StackResult(stack="tenant-x", file="stacks/Pulumi.tenant-x.yaml", kind="tenant", resources=[record],
                        findings=[finding], outputs=outputs)  # fmt: skip
    return CheckResult(stacks=[stack], notes=[f"a note quoting {message}"])


@settings(max_examples=40, deadline=None)
@given(secret=SECRETS, key=st.sampled_from(CREDENTIAL_KEYS), marked=st.booleans(), nested=st.booleans())
def test_no_format_prints_a_secret_input_or_output(secret: str, key: str, marked: bool, nested: bool) -> None:
    value: Any = {SIG_KEY: SECRET_SIG, "value": secret} if marked else secret
    field = "extraConfig" if marked else key
    inputs: dict[str, Any] = {"name": "app", field: {"deep": [value]} if nested else value}
    outputs = {"clientId": "app", key: value}
    result = result_with(inputs, f"the client was given {secret} as its secret", outputs)
    for fmt in FORMATS:
        report = render(result, fmt, project_root=ROOT)
        assert secret not in report, fmt
        assert "[secret]" in report or fmt in ("text", "markdown")
    assert json.loads(render(result, "json", project_root=ROOT))["stacks"][0]["resources"][0]["inputs"]["name"] == "app"


def test_plain_inputs_stay_readable() -> None:
    result = result_with({"name": "app", "cidr": "10.80.1.0/24", "description": "nothing secret"}, "plain", {})
    report = render(result, "json", project_root=ROOT)
    assert "10.80.1.0/24" in report and "nothing secret" in report


BODY_PATHS = [("quotas", "cores"), ("primarySite",), ("name",), ("failover",), ("services",), ("groups",),
              ("kubernetes", "enabled"), ("sites", "lu", "ipv4"), ("description",), ("quotas",),
              ("platformStack",)]  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(BODY_PATHS), secret=SECRETS, shape=st.sampled_from(["plain", "dict", "list", "number"]))
def test_a_config_error_never_echoes_the_value_given(
    tmp_path: Path, path: tuple[str, ...], secret: str, shape: str
) -> None:
    given_value: Any = {
        "plain": secret,
        "dict": {"password": secret},
        "list": [secret, {"token": secret}],
        "number": int("9" * 25),
    }[shape]
    document = copy.deepcopy(TENANT)
    target = document["config"]["sovcloud:tenant"]
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = given_value
    stack_file = tmp_path / "Pulumi.tenant-bank-bcee.yaml"
    stack_file.write_text(yaml.safe_dump(document), encoding="utf-8")
    try:
        parse_stack_config(read_stack_file(stack_file), "stacks/Pulumi.tenant-bank-bcee.yaml")
    except ConfigError as error:
        text = str(error)
        assert secret not in text
        assert "9" * 25 not in text
        return
    assert (shape == "plain" and path in {("name",), ("description",)}) or path == ("platformStack",)


@pytest.mark.parametrize("kind", [{"password": "hunter2-but-longer"}, "hunter2-but-longer", ["hunter2-but-longer"]])
def test_the_stack_kind_error_does_not_echo_what_was_given(tmp_path: Path, kind: Any) -> None:
    document = copy.deepcopy(TENANT)
    document["config"]["sovcloud:kind"] = kind
    stack_file = tmp_path / "Pulumi.tenant-bank-bcee.yaml"
    stack_file.write_text(yaml.safe_dump(document), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        parse_stack_config(read_stack_file(stack_file), "f")
    assert "hunter2" not in str(caught.value)
