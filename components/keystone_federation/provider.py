"""Dynamic providers for Keystone federation: identity providers, mappings, rule sets, protocols.

The OpenStack provider has no resources for OS-FEDERATION, so these implement create, read, update,
delete, diff and check in Python (the engine runs them through `pulumi-python:dynamic:Resource`).
Each provider is stateless, so its serialized form in state holds no credentials and no Outputs:
everything it needs arrives as plain resource inputs (the `clouds.yaml` entry *name*, the site's
identity endpoint, the object's fields), and credentials are read from clouds.yaml at call time.

Every resource carries a `kind` input; the policy pack tells the kinds apart by it.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)

from components.keystone_federation.api import FederationApi

# What pulumi.runtime.rpc.UNKNOWN is: a value not known during preview (never checked or compared).
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
PROVIDER_KEY = "__provider"

KIND_IDENTITY_PROVIDER = "keystone-identity-provider"
KIND_MAPPING = "keystone-mapping"
KIND_MAPPING_RULES = "keystone-mapping-rules"
KIND_PROTOCOL = "keystone-federation-protocol"

# Inputs every kind has: where the object lives. A new site is a new object (replace); a new
# clouds.yaml entry for the same endpoint is only a new way in (update, nothing to send).
TARGET_FIELDS = ("cloud", "auth_url", "region")


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def _plain(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if k != PROVIDER_KEY}


def _rules(value: Any) -> list[dict[str, Any]]:
    return [dict(rule) for rule in value] if isinstance(value, list) else []


def _without(rules: list[dict[str, Any]], removed: list[dict[str, Any]]) -> list[dict[str, Any]]:
    gone = {_canonical(rule) for rule in removed}
    return [rule for rule in rules if _canonical(rule) not in gone]


def _merged(rules: list[dict[str, Any]], added: list[dict[str, Any]]) -> list[dict[str, Any]]:
    present = {_canonical(rule) for rule in rules}
    return rules + [rule for rule in added if _canonical(rule) not in present]


def _present(rules: list[dict[str, Any]], live: list[dict[str, Any]]) -> list[dict[str, Any]]:
    there = {_canonical(rule) for rule in live}
    return [rule for rule in rules if _canonical(rule) in there]


class FederationProvider(ResourceProvider):
    """What every kind shares: input checks, diffs on declared fields, the API connection."""

    kind: ClassVar[str] = ""
    required: ClassVar[dict[str, type]] = {}
    compared: ClassVar[tuple[str, ...]] = ()
    replace_on: ClassVar[tuple[str, ...]] = ("auth_url", "region")

    def api(self, props: dict[str, Any]) -> FederationApi:
        return FederationApi.connect(str(props["cloud"]), str(props["auth_url"]))

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        failures: list[CheckFailure] = []
        if news.get("kind") != self.kind:
            failures.append(CheckFailure("kind", f"must be {self.kind!r} for this provider"))
        wanted: dict[str, type] = {"cloud": str, "auth_url": str, "region": str, **self.required}
        for field, expected in wanted.items():
            value = news.get(field)
            if value == UNKNOWN:
                continue
            if not isinstance(value, expected) or (expected is str and not value):
                failures.append(CheckFailure(field, f"required, a {expected.__name__}"))
        failures += self.check_fields(news)
        return CheckResult(news, failures)

    def check_fields(self, _news: dict[str, Any]) -> list[CheckFailure]:
        return []

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        fields = (*TARGET_FIELDS, *self.compared)
        changed = [f for f in fields if _canonical(olds.get(f)) != _canonical(news.get(f))]
        replaces = [f for f in changed if f in self.replace_on]
        # Keystone ids are ours to choose: the old object must go before one with its id comes back.
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=bool(replaces) or None)


def _check_rules(value: Any, field: str = "rules") -> list[CheckFailure]:
    if value == UNKNOWN:
        return []
    if not isinstance(value, list) or not value:
        return [CheckFailure(field, "a non-empty list of mapping rules")]
    for index, rule in enumerate(value):
        if not isinstance(rule, dict) or set(rule) != {"local", "remote"}:
            return [CheckFailure(field, f"rule {index} must have exactly 'local' and 'remote'")]
        if not all(isinstance(rule[part], list) and rule[part] for part in ("local", "remote")):
            return [CheckFailure(field, f"rule {index}: 'local' and 'remote' must be non-empty lists")]
    return []


class IdentityProviderProvider(FederationProvider):
    """`/v3/OS-FEDERATION/identity_providers/{idp_id}`: who Keystone trusts, by issuer (remote id)."""

    kind = KIND_IDENTITY_PROVIDER
    required = {"idp_id": str, "remote_ids": list}
    compared = ("idp_id", "remote_ids", "enabled", "description")
    replace_on = ("auth_url", "region", "idp_id")

    @staticmethod
    def _body(props: dict[str, Any]) -> dict[str, Any]:
        return {
            "remote_ids": list(props["remote_ids"]),
            "enabled": bool(props.get("enabled", True)),
            "description": str(props.get("description") or ""),
        }

    @staticmethod
    def _outs(props: dict[str, Any], live: dict[str, Any]) -> dict[str, Any]:
        return {**_plain(props), "domain_id": live.get("domain_id")}

    def check_fields(self, news: dict[str, Any]) -> list[CheckFailure]:
        remote_ids = news.get("remote_ids")
        if isinstance(remote_ids, list) and not remote_ids:
            return [CheckFailure("remote_ids", "at least one issuer; an identity provider without one trusts nobody")]
        return []

    def create(self, props: dict[str, Any]) -> CreateResult:
        live = self.api(props).put_identity_provider(props["idp_id"], self._body(props))
        return CreateResult(props["idp_id"], self._outs(props, live))

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        live = self.api(news).patch_identity_provider(news["idp_id"], self._body(news))
        return UpdateResult(self._outs(news, live))

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        self.api(props).delete_identity_provider(props["idp_id"])

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        live = self.api(props).get_identity_provider(props.get("idp_id") or id_)
        if live is None:
            return ReadResult("", {})
        outs = {
            **self._outs(props, live),
            "remote_ids": list(live.get("remote_ids") or []),
            "enabled": bool(live.get("enabled", False)),
            "description": str(live.get("description") or ""),
        }
        return ReadResult(id_, outs)


class MappingProvider(FederationProvider):
    """`/v3/OS-FEDERATION/mappings/{mapping_id}`: the platform's rules of one site.

    Tenant stacks attach their own rules to the same mapping (`MappingRulesProvider`); an update
    here replaces only the rules this resource declared before and keeps everyone else's.
    """

    kind = KIND_MAPPING
    required = {"mapping_id": str}
    compared = ("mapping_id", "rules")
    replace_on = ("auth_url", "region", "mapping_id")

    def check_fields(self, news: dict[str, Any]) -> list[CheckFailure]:
        return _check_rules(news.get("rules"))

    def create(self, props: dict[str, Any]) -> CreateResult:
        self.api(props).put_mapping(props["mapping_id"], _rules(props["rules"]))
        return CreateResult(props["mapping_id"], _plain(props))

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        api = self.api(news)
        live = api.get_mapping(news["mapping_id"])
        if live is None:
            api.put_mapping(news["mapping_id"], _rules(news["rules"]))
        else:
            others = _without(_rules(live.get("rules")), _rules(olds.get("rules")))
            api.patch_mapping(news["mapping_id"], _merged(_rules(news["rules"]), others))
        return UpdateResult(_plain(news))

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        self.api(props).delete_mapping(props["mapping_id"])

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        live = self.api(props).get_mapping(props.get("mapping_id") or id_)
        if live is None:
            return ReadResult("", {})
        # Rules of tenant stacks are theirs: only ours that went missing count as drift.
        return ReadResult(
            id_, {**_plain(props), "rules": _present(_rules(props.get("rules")), _rules(live.get("rules")))}
        )


class MappingRulesProvider(FederationProvider):
    """A tenant's rules inside a site's mapping (which the platform stack owns): added on create,
    swapped on update, removed on delete, never touching any other rule."""

    kind = KIND_MAPPING_RULES
    required = {"mapping_id": str, "owner": str}
    compared = ("mapping_id", "owner", "rules")
    replace_on = ("auth_url", "region", "mapping_id", "owner")

    def check_fields(self, news: dict[str, Any]) -> list[CheckFailure]:
        return _check_rules(news.get("rules"))

    def _live_rules(self, api: FederationApi, props: dict[str, Any]) -> list[dict[str, Any]]:
        live = api.get_mapping(props["mapping_id"])
        if live is None:
            where = f"mapping {props['mapping_id']!r} at {props['auth_url']}"
            raise RuntimeError(f"{where} does not exist: deploy the platform stack first")
        return _rules(live.get("rules"))

    def create(self, props: dict[str, Any]) -> CreateResult:
        api = self.api(props)
        api.patch_mapping(props["mapping_id"], _merged(self._live_rules(api, props), _rules(props["rules"])))
        return CreateResult(f"{props['mapping_id']}/{props['owner']}", _plain(props))

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        api = self.api(news)
        kept = _without(self._live_rules(api, news), _rules(olds.get("rules")))
        api.patch_mapping(news["mapping_id"], _merged(kept, _rules(news["rules"])))
        return UpdateResult(_plain(news))

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        api = self.api(props)
        live = api.get_mapping(props["mapping_id"])
        if live is None:
            return  # the platform's mapping is gone, and our rules with it
        kept = _without(_rules(live.get("rules")), _rules(props.get("rules")))
        if kept != _rules(live.get("rules")):
            api.patch_mapping(props["mapping_id"], kept)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        live = self.api(props).get_mapping(props["mapping_id"])
        if live is None:
            return ReadResult("", {})
        present = _present(_rules(props.get("rules")), _rules(live.get("rules")))
        if not present:
            return ReadResult("", {})
        return ReadResult(id_, {**_plain(props), "rules": present})


class ProtocolProvider(FederationProvider):
    """`/v3/OS-FEDERATION/identity_providers/{idp_id}/protocols/{protocol_id}`: which mapping an
    authentication through this identity provider and protocol goes through."""

    kind = KIND_PROTOCOL
    required = {"idp_id": str, "protocol_id": str, "mapping_id": str}
    compared = ("idp_id", "protocol_id", "mapping_id", "remote_id_attribute")
    replace_on = ("auth_url", "region", "idp_id", "protocol_id")

    @staticmethod
    def _body(props: dict[str, Any]) -> dict[str, Any]:
        body: dict[str, Any] = {"mapping_id": props["mapping_id"]}
        if props.get("remote_id_attribute"):
            body["remote_id_attribute"] = props["remote_id_attribute"]
        return body

    def create(self, props: dict[str, Any]) -> CreateResult:
        self.api(props).put_protocol(props["idp_id"], props["protocol_id"], self._body(props))
        return CreateResult(f"{props['idp_id']}/{props['protocol_id']}", _plain(props))

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        self.api(news).patch_protocol(news["idp_id"], news["protocol_id"], self._body(news))
        return UpdateResult(_plain(news))

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        self.api(props).delete_protocol(props["idp_id"], props["protocol_id"])

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        live = self.api(props).get_protocol(props["idp_id"], props["protocol_id"])
        if live is None:
            return ReadResult("", {})
        outs = {**_plain(props), "mapping_id": live.get("mapping_id")}
        if "remote_id_attribute" in live:
            outs["remote_id_attribute"] = live["remote_id_attribute"]
        return ReadResult(id_, outs)
