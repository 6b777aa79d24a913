"""Pulumi ComponentResources of the sovereign cloud: one concern per module."""
