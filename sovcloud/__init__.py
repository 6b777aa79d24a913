"""sovcloud: the command that checks, reports on and stamps out the sovereign cloud's stacks."""
