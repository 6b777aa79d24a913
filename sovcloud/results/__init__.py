"""The one result model of a check, and what every producer and reporter shares about it:
URNs (`urns`), config key paths (`keys`), the command's own policies (`builtin_policies`), and
`Finding.of`, the one way to build a finding from a policy."""

from sovcloud.results import builtin_policies
from sovcloud.results.keys import KeyPath, config_key, key_parts
from sovcloud.results.model import (
    CheckResult,
    Finding,
    Framework,
    Level,
    PolicyInfo,
    ResourceChange,
    ResourceRecord,
    Source,
    StackChange,
    StackResult,
)
from sovcloud.results.urns import Urn, name_from_urn, parse_urn, stack_from_urn, type_from_urn, without_id

__all__ = [
    "CheckResult",
    "Finding",
    "Framework",
    "KeyPath",
    "Level",
    "PolicyInfo",
    "ResourceChange",
    "ResourceRecord",
    "Source",
    "StackChange",
    "StackResult",
    "Urn",
    "builtin_policies",
    "config_key",
    "key_parts",
    "name_from_urn",
    "parse_urn",
    "stack_from_urn",
    "type_from_urn",
    "without_id",
]
