"""The program runs as Pulumi's Python language host runs it: `runpy.run_path` of the program
directory (the project root), config in PULUMI_CONFIG, and nothing else of ours on sys.path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sovcloud.engine.stack_files import load_stack_file

SCRIPT = r"""
import json, os, runpy, sys
root = os.getcwd()
assert root not in sys.path and "" not in sys.path, sys.path
import pulumi
from pulumi.runtime import settings
from pulumi.runtime.stack import run_in_stack
from pulumi.runtime.sync_await import _sync_await

class Mocks(pulumi.runtime.Mocks):
    types = []
    def new_resource(self, args):
        self.types.append(args.typ)
        return ("", dict(args.inputs))
    def call(self, args):
        return {"id": "role-id", **args.args}

mocks = Mocks()
pulumi.runtime.set_mocks(mocks, project="sovcloud", stack="platform", preview=True)
settings.ROOT.set(None)
_sync_await(run_in_stack(lambda: runpy.run_path(root, run_name="__main__")))
print(json.dumps(sorted(set(mocks.types))))
"""


def test_program_runs_from_the_project_dir_without_the_root_on_sys_path(project_root: Path) -> None:
    # The engine decrypts `secure:` values before handing config over; the stack-file reader stands in.
    stack_file = load_stack_file(project_root / "stacks" / "Pulumi.platform.yaml", "sovcloud")
    env = {
        **os.environ,
        "PULUMI_CONFIG": json.dumps(stack_file.config),
        "PULUMI_CONFIG_SECRET_KEYS": json.dumps(list(stack_file.secret_keys)),
    }
    env.pop("PYTHONPATH", None)
    completed = subprocess.run(
        [sys.executable, "-P", "-c", SCRIPT],
        cwd=project_root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    types = json.loads(completed.stdout.strip().splitlines()[-1])
    assert "sovcloud:site:Site" in types
    assert "openstack:networking/router:Router" in types
