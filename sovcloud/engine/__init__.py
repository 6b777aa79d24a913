"""The offline engine: runs a stack's program the way `pulumi preview` would, with no cloud.

It stands in for the engine's registration and analyzer calls and nothing else: the program runs
under the SDK's official mock runtime with the language host's semantics (cwd = project,
`runpy.run_path(main)`), every registration is recorded with its raw request, and IDs of resources
about to be created are unknown, as in a preview.
"""

from sovcloud.engine.runner import StackRun, run_stack
from sovcloud.engine.stack_files import StackFile, discover_stacks, load_stack_file

__all__ = ["StackFile", "StackRun", "discover_stacks", "load_stack_file", "run_stack"]
