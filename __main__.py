"""Pulumi's entry point. The program directory is the project root (Pulumi.yaml has no `main`), so the
language host runs this file with the root as working directory and first on `sys.path`; the program
itself is `infra/program.py`."""

from infra.program import run

run()
