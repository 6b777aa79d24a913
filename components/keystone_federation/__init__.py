"""Keystone federation with the federation's identity provider, as Pulumi resources.

`mapping_rules` (pure) generates the rules from the catalogue; `api` talks to OS-FEDERATION through
openstacksdk; `provider` holds the dynamic providers; `resources` the resources; `site_federation`
the per-site component.
"""
