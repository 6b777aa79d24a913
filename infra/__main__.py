"""The Pulumi program: validate the stack's config, then wire components. No logic here.

Pulumi's language host runs this directory with `runpy.run_path("infra/")` from the project root;
the project is pip-installed (editable, see requirements.txt), so `infra` and `components` import
as packages. Validation raises before any resource is registered.
"""

from infra.catalogue import load_catalogue
from infra.config import load_stack_config
from infra.programs import run_program

run_program(load_stack_config(), load_catalogue())
