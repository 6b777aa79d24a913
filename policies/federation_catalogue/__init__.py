"""The federation's facts (sites, endpoints, address plan, partner roles), once, behind one loader.

Shipped inside the policy pack (a published pack stands alone) and installed into the project from
there, so the pack, the program, the components and the `sovcloud` command read the same file.
"""

from federation_catalogue.catalogue import (
    CATALOGUE_FILE,
    PACK_CATALOGUE,
    PROJECT_CATALOGUE,
    Catalogue,
    Site,
    load_catalogue,
    pack_catalogue,
    project_catalogue,
)
from federation_catalogue.errors import ConfigError

__all__ = [
    "CATALOGUE_FILE",
    "PACK_CATALOGUE",
    "PROJECT_CATALOGUE",
    "Catalogue",
    "ConfigError",
    "Site",
    "load_catalogue",
    "pack_catalogue",
    "project_catalogue",
]
