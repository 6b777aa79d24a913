"""Developer and CI tooling that runs beside the project: the real Pulumi engine and its checks."""
