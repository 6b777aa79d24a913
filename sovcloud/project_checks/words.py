"""Split config key names into words: `dbPassword`, `db_password`, `db-password` -> [db, password]."""

from __future__ import annotations

import re

_CAMEL = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")


def key_words(name: str) -> list[str]:
    words: list[str] = []
    for chunk in re.split(r"[^A-Za-z0-9]+", name.rsplit(":", 1)[-1]):
        words += [w.lower() for w in _CAMEL.findall(chunk)]
    return words
