"""Runs a Pulumi Python program under the engine: the stand-in language host starts it with the
program's virtualenv, the resource monitor's address and the stack's identity on the command line,
and the stack's config in PULUMI_CONFIG / PULUMI_CONFIG_SECRET_KEYS.

`runpy.run_path(ENTRY_POINT)` on the program directory puts that directory first on `sys.path` and
runs its `__main__.py`, which is how the engine's Python programs see their own directory.
"""

import argparse
import asyncio
import os
import runpy
import sys
import traceback

try:
    import pulumi
    import pulumi.runtime
except ImportError:
    print(traceback.format_exc(), file=sys.stderr)
    print("The Pulumi SDK is not installed in the program's virtualenv (run `pulumi install`).", file=sys.stderr)
    sys.exit(1)

EXIT_AFTER_USER_MESSAGE = 32  # the host then ends the run without adding an error of its own


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    for flag in ("monitor", "engine", "project", "stack", "organization", "root-directory", "pwd"):
        parser.add_argument(f"--{flag}", default="")
    parser.add_argument("--parallel", type=int, default=0)
    parser.add_argument("--dry-run", default="false")
    parser.add_argument("entry_point")
    parser.add_argument("program_args", nargs="*")
    args = parser.parse_args()

    pulumi.runtime.set_all_config(pulumi.runtime.get_config_env(), pulumi.runtime.get_config_secret_keys_env())
    pulumi.runtime.configure(
        pulumi.runtime.Settings(
            monitor=args.monitor,
            engine=args.engine,
            project=args.project,
            stack=args.stack,
            organization=args.organization or None,
            root_directory=args.root_directory or None,
            parallel=args.parallel,
            dry_run=args.dry_run == "true",
        )
    )
    sys.argv = [args.entry_point, *args.program_args]
    if args.pwd:
        os.chdir(args.pwd)

    def program() -> None:
        runpy.run_path(args.entry_point, run_name="__main__")

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        loop.run_until_complete(pulumi.runtime.run_in_stack(program))
    except pulumi.RunError as error:
        pulumi.log.error(str(error))
        return 1
    except Exception:  # the program's own failure: report it as the program's, with its traceback
        pulumi.log.error("Program failed with an unhandled exception:\n" + traceback.format_exc())
        return EXIT_AFTER_USER_MESSAGE
    finally:
        loop.close()
        sys.stdout.flush()
        sys.stderr.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
