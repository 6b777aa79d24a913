"""`sovcloud capacity`: per site and pool, what the stack files use, what is free, and how many more
tenants of each size fit (the figures `tenant new` prints when it refuses)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from federation_catalogue import load_catalogue

from sovcloud.allocation import read_taken
from sovcloud.capacity import federation_capacity, render


def capacity(
    stacks_dir: Annotated[Path, typer.Option(help="Where stack files live.")] = Path("stacks"),
) -> None:
    """Used and free per site and pool, and how many more tenants of each size fit."""
    if not stacks_dir.is_dir():
        typer.echo(f"sovcloud capacity: no stacks directory {stacks_dir}", err=True)
        raise typer.Exit(2)
    typer.echo(render(federation_capacity(load_catalogue(), read_taken(stacks_dir))))
