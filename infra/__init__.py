"""The Pulumi program (infra/__main__.py), its config models and the federation catalogue."""
