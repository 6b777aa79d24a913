"""One program per stack kind, each `run(config, catalogue)`; `infra/stack_kinds.py` lists them."""
