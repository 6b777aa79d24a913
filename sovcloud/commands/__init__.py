"""Sub-commands of `sovcloud`, one module each."""
