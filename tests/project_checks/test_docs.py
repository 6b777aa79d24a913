"""The commands of the README (fenced code blocks) never log in to Pulumi Cloud."""

from __future__ import annotations

import pytest

from tests.project_checks.conftest import Scratch

FEDERATION = "s3://sovcloud-state?endpoint=https://swift.eu-be-1.sov.internal&region=eu-be-1&s3ForcePathStyle=true"


def readme(*lines: str) -> str:
    return "# Title\n\nNever log in to https://api.pulumi.com.\n\n```sh\n" + "\n".join(lines) + "\n```\n"


@pytest.mark.parametrize(
    "command",
    [
        "pulumi login https://api.pulumi.com",
        "pulumi login --cloud-url https://app.pulumi.com/sovcloud",
        "pulumi login -c=https://api.pulumi.com".replace("-c=", "--cloud-url="),
        "export PULUMI_BACKEND_URL=https://api.pulumi.com",
        "export PULUMI_ACCESS_TOKEN=$(cat token)",
        "pulumi login 's3://sovcloud-state?region=eu-west-1'",
    ],
)
def test_a_documented_login_outside_the_federation_is_a_finding_with_its_line(scratch: Scratch, command: str) -> None:
    scratch.write_readme(readme("pulumi login", command))
    findings = scratch.check()
    assert [(f.policy, f.file, f.key) for f in findings] == [("docs-log-in-to-federation", "README.md", "line 7")]


def test_the_federation_login_and_the_bootstrap_local_state_pass(scratch: Scratch) -> None:
    scratch.write_readme(
        readme(
            "pulumi login",
            f"pulumi login '{FEDERATION}'",
            'PULUMI_BACKEND_URL="file://$HOME/.sovcloud-bootstrap" pulumi up --stack bootstrap',
            "pulumi login --local  # bootstrap only",
            "unset PULUMI_BACKEND_URL PULUMI_ACCESS_TOKEN",
            "pulumi login file://~/.sovcloud-bootstrap && pulumi stack ls",
            "export PULUMI_BACKEND_URL='s3://sovcloud-state?endpoint=https://swift.eu-lu-1.sov.internal'  # takeover",
        )
    )
    assert scratch.check() == []
