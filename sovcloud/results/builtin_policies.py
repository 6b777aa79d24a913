"""Every policy the command itself applies, described once, like the pack's policies, so every
report lists them alike: the checks on stack config and programs, the project's state and secrets
checks, the checks across stacks, and the engine errors an event log reports.
"""

from __future__ import annotations

from sovcloud.results.model import Framework, Level, PolicyInfo

CONFIG = PolicyInfo(
    name="stack-config-is-valid",
    description="The stack's configuration is validated before any resource is declared.",
    enforcement_level=Level.MANDATORY,
    severity="high",
    tags=("config",),
    remediation_steps="Fix the key named in the message; valid values are listed there.",
)
PROGRAM = PolicyInfo(
    name="program-runs",
    description="The stack's Pulumi program runs to completion.",
    enforcement_level=Level.MANDATORY,
    severity="high",
    tags=("config",),
    remediation_steps="Run `pulumi preview` on the stack to see the full traceback.",
)
ENGINE_ERROR = PolicyInfo(
    name="pulumi-engine-error",
    description="The preview ran without engine or program errors.",
    enforcement_level=Level.MANDATORY,
    severity="high",
    tags=("config",),
    remediation_steps="Read the error; run `pulumi preview` on the stack for the full output.",
)
NO_OVERLAP = PolicyInfo(
    name="subnets-do-not-overlap-across-stacks",
    description="No two subnets of any two stacks overlap: the address plan is one plan.",
    enforcement_level=Level.MANDATORY,
    severity="high",
    tags=("isolation", "address-plan"),
    remediation_steps="Allocate tenant ranges with `sovcloud tenant new`, which skips every range already in stacks/.",
    policy_type="stack",
)
UNIQUE_ALLOCATIONS = PolicyInfo(
    name="stack-files-allocate-uniquely",
    description=(
        "Across every stack file in stacks/, tenant names, project names, ranges and link addresses are "
        "each held by one file only."
    ),
    enforcement_level=Level.MANDATORY,
    severity="high",
    tags=("isolation", "address-plan"),
    remediation_steps=(
        "Remove the copied stack file, or make a new tenant with `sovcloud tenant new`, which allocates "
        "names, ranges and link addresses no other stack file holds."
    ),
    policy_type="stack",
)

TECHNICAL_DATA = Framework(
    name="SecNumCloud",
    version="3.2",
    reference="19.2.d",
    specification="Technical data (identities, logs, certificates, network configuration) stays in the EU.",
)

STATE_BACKEND = PolicyInfo(
    name="state-backend-in-federation",
    description=(
        "The project's state backend (Pulumi.yaml backend.url) is the federation's own object storage: "
        "the S3 API of the catalogue's state_backend site, over TLS, never Pulumi Cloud or a local disk."
    ),
    enforcement_level=Level.MANDATORY,
    severity="critical",
    tags=("state",),
    remediation_steps=(
        "Set Pulumi.yaml `backend: {url: s3://<state_backend.bucket>?endpoint=<object_storage_endpoint of "
        "state_backend.site>&region=<its region>&s3ForcePathStyle=true}` "
        "(values from policies/federation_catalogue/federation.yaml)."
    ),
    framework=TECHNICAL_DATA,
    policy_type="stack",
)
DOCS_LOGIN = PolicyInfo(
    name="docs-log-in-to-federation",
    description=(
        "Commands in the project's documentation log in only to the federation's backend (or to a local "
        "file:// state for the one-time bootstrap), never to Pulumi Cloud."
    ),
    enforcement_level=Level.MANDATORY,
    severity="high",
    tags=("state",),
    remediation_steps=(
        "Use `pulumi login` without a URL (Pulumi.yaml names the backend) or the federation's s3:// URL; "
        "never a https:// backend or PULUMI_ACCESS_TOKEN."
    ),
    framework=TECHNICAL_DATA,
    policy_type="stack",
)
SECRETS_PROVIDER = PolicyInfo(
    name="secrets-provider-in-federation",
    description=(
        "Every stack file names a secrets provider that stays in the federation: a passphrase (with its "
        "encryptionsalt) or the federation's Vault/OpenBao (hashivault://), never the Pulumi Cloud default "
        "or a public cloud's key-management service."
    ),
    enforcement_level=Level.MANDATORY,
    severity="critical",
    tags=("secrets",),
    remediation_steps=(
        "Run `pulumi stack change-secrets-provider passphrase` (or `hashivault://<key>`) and commit the "
        "stack file with its `encryptionsalt`."
    ),
    framework=TECHNICAL_DATA,
    policy_type="stack",
)
NO_ESC_ENVIRONMENT = PolicyInfo(
    name="stack-uses-no-esc-environment",
    description="No stack imports a Pulumi ESC environment: ESC environments live in Pulumi Cloud.",
    enforcement_level=Level.MANDATORY,
    severity="critical",
    tags=("secrets",),
    remediation_steps=(
        "Remove the stack file's `environment:` key; keep config in the stack file, secrets as `secure:`."
    ),
    framework=TECHNICAL_DATA,
    policy_type="stack",
)
CONFIG_INSIDE_FEDERATION = PolicyInfo(
    name="config-points-inside-federation",
    description=(
        "Config values that name a service (URLs, host:port, host/path, addresses) point inside the "
        "federation: a host of its DNS zone or an address of its plan."
    ),
    enforcement_level=Level.MANDATORY,
    severity="high",
    tags=("state",),
    remediation_steps=(
        "Use the catalogue's hosts (policies/federation_catalogue/federation.yaml) "
        "or an address inside the federation plan."
    ),
    framework=TECHNICAL_DATA,
    policy_type="stack",
)
NO_PLAINTEXT_CREDENTIAL = PolicyInfo(
    name="no-plaintext-credential",
    description=(
        "No config value that looks like a credential (by its key's name or its shape: private keys, "
        "access keys, tokens, long random strings, passwords in URLs) is in plaintext; secrets are `secure:`."
    ),
    enforcement_level=Level.MANDATORY,
    severity="critical",
    tags=("secrets",),
    remediation_steps=(
        "Remove the value and set it again with `pulumi config set --secret [--path] <key>`, then rotate "
        "the credential: it is in the repository's history."
    ),
    framework=TECHNICAL_DATA,
    policy_type="stack",
)

PROJECT: tuple[PolicyInfo, ...] = (
    STATE_BACKEND,
    DOCS_LOGIN,
    SECRETS_PROVIDER,
    NO_ESC_ENVIRONMENT,
    CONFIG_INSIDE_FEDERATION,
    NO_PLAINTEXT_CREDENTIAL,
)

# What an offline check describes besides the pack's own policies, in the order reports list them.
OFFLINE_CHECK: tuple[PolicyInfo, ...] = (*PROJECT, CONFIG, PROGRAM, NO_OVERLAP, UNIQUE_ALLOCATIONS)
