"""The pack's core: what every rule family stands on, and nothing that decides a verdict by itself.

`framework` (rules, dispatch, fail-closed wrapper), `values` (plain, total views of properties),
`catalogue` (the catalogue a policy runs against), `sites` (placement glue over the catalogue's
resolver), `addresses` (is a network in the plan), `types` (type tokens shared by families),
`references` (the framework clauses policies cite), `destinations` (every address, URL and host a
value names, and whether it is inside the federation). Families import only from here.
"""
