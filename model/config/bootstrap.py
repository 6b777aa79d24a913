"""Config of the bootstrap stack: the state container of the project's own backend.

Which container, on which sites, comes from the catalogue (`state_backend`); the stack file only
names the operations partner's automation identity (the one identity that may read and write
state) and, if they differ from the defaults, the clouds.yaml entries the providers log in with.
"""

from __future__ import annotations

import re

from federation_catalogue import Catalogue
from pydantic import Field

from model.config.address_plan import Problem
from model.config.common import Strict

_KEYSTONE_NAME = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"


class AutomationIdentity(Strict):
    """The operations partner's automation identity: a Keystone user, the only member of its project.

    Both exist on each site (same names) before the bootstrap runs; the state container lives in
    that project's Swift account, and its ACLs name this user in this project only.
    """

    project: str = Field(default="sovcloud-state", pattern=_KEYSTONE_NAME)
    user: str = Field(default="sovcloud-automation", pattern=_KEYSTONE_NAME)


class BootstrapConfig(Strict):
    """`sovcloud:bootstrap`: who may touch the state, and how to log in to each site."""

    automation: AutomationIdentity = AutomationIdentity()
    # clouds.yaml entry per site: an application credential of the automation identity, scoped to
    # its project (so the container lands in that project's account). Default: sovcloud-state-<site>.
    clouds: dict[str, str] = {}
    # Swift container-sync realm shared by both sites' proxies (container-sync-realms.conf).
    sync_realm: str = Field(default="sovcloud", alias="syncRealm", pattern=r"^[A-Za-z0-9_-]{1,64}$")

    def cloud_for(self, site: str) -> str:
        return self.clouds.get(site) or f"sovcloud-state-{site}"

    def problems(self, catalogue: Catalogue) -> list[Problem]:
        found: list[Problem] = []
        backend = catalogue.state_backend
        if backend.site == backend.replica_site:
            found.append((("automation",), "the catalogue's state_backend replicates to its own site"))
        for site, cloud in self.clouds.items():
            if site not in (backend.site, backend.replica_site):
                found.append(
                    (
                        ("clouds", site),
                        f"site {site!r} holds no state (state_backend sites: {backend.site}, {backend.replica_site})",
                    )
                )
            elif not re.fullmatch(r"[A-Za-z0-9._-]{1,64}", cloud):
                found.append((("clouds", site), f"{cloud!r} is not a clouds.yaml entry name"))
        return found
