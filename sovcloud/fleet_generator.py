"""A generated fleet: `count` tenant stacks stamped exactly as `sovcloud tenant new` stamps them, for
capacity tests and the benchmark. One read of `stacks/`, then every allocation reserved in memory,
so a thousand tenants take seconds rather than a thousand re-reads.

    python -m sovcloud.fleet_generator STACKS_DIR COUNT
"""

from __future__ import annotations

import sys
from pathlib import Path

from federation_catalogue import load_catalogue

from sovcloud.allocation import read_taken
from sovcloud.commands.tenant import Size, build_document, render_stack, validate
from sovcloud.stacks_lock import stacks_lock

# Six small, three medium, one large in every ten: a realistic mix that fits site be's /13 a thousand times.
SIZES = (*(Size.small,) * 6, *(Size.medium,) * 3, Size.large)


def generate_fleet(stacks_dir: Path, count: int, prefix: str = "fleet") -> list[Path]:
    """Write `count` tenant stack files (sizes and primary sites in turn, replicas by the default rule,
    every tenth one validated as the program reads it); returns their paths."""
    catalogue = load_catalogue()
    sites = list(catalogue.sites)
    written: list[Path] = []
    with stacks_lock(stacks_dir):
        taken = read_taken(stacks_dir)
        for index in range(count):
            name = f"{prefix}{index:04d}"
            size = SIZES[index % len(SIZES)]
            document = build_document(
                name,
                catalogue=catalogue,
                stacks_dir=stacks_dir,
                primary_site=sites[index % len(sites)],
                size=size,
                quota_overrides={},
                kubernetes=index % 2 == 0,
                description=f"Generated tenant {index}",
                passphrase=None,
                taken=taken,
            )
            text = render_stack(document, name, size)
            path = stacks_dir / f"Pulumi.tenant-{name}.yaml"
            if index % 10 == 0:
                validate(text, str(path))
            with path.open("x", encoding="utf-8") as stream:
                stream.write(text)
            written.append(path)
    return written


def main(argv: list[str]) -> None:
    stacks_dir, count = Path(argv[0]), int(argv[1])
    print(f"wrote {len(generate_fleet(stacks_dir, count))} tenant stacks in {stacks_dir}")


if __name__ == "__main__":
    main(sys.argv[1:])
