"""One error type for bad configuration: it names the stack file and the key, in one line."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Sequence

from pydantic import ValidationError


class ConfigError(ValueError):
    """Raised before any resource is registered; each problem is `file: key: message`."""

    def __init__(self, file: str, problems: Sequence[tuple[str, str]]) -> None:
        self.file = file
        self.problems = list(problems)
        super().__init__("\n".join(f"{file}: {key}: {message}" for key, message in self.problems))

    @property
    def first_key(self) -> str:
        return self.problems[0][0] if self.problems else ""


def dotted(prefix: str, loc: Iterable[int | str]) -> str:
    """`sovcloud:platform` + ('sites', 'lu', 'networks', 0) -> `sovcloud:platform.sites.lu.networks[0]`."""
    key = prefix
    for part in loc:
        key += f"[{part}]" if isinstance(part, int) else (f".{part}" if key else str(part))
    return key


def from_validation_error(
    file: str, prefix: str, error: ValidationError, allowed: Callable[[tuple[int | str, ...]], list[str]] | None = None
) -> ConfigError:
    """Turn pydantic's report into our one-line-per-problem form, with a hint for typos."""
    problems: list[tuple[str, str]] = []
    for item in error.errors(include_url=False):
        loc = tuple(item["loc"])
        message = str(item["msg"]).removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            message = "unknown key"
            parent_fields = allowed(loc[:-1]) if allowed else []
            guess = difflib.get_close_matches(str(loc[-1]), list(parent_fields), n=1)
            if guess:
                message += f" (did you mean {guess[0]!r}?)"
            elif parent_fields:
                message += f" (valid keys: {', '.join(sorted(parent_fields))})"
        elif item["type"] == "missing":
            message = "required key is missing"
        else:
            message = without_input(message, item.get("input"))
        problems.append((dotted(prefix, loc), message))
    return ConfigError(file, problems)


def without_input(message: str, given: object) -> str:
    """The message, never quoting what was given: it says what was expected. Any key may hold a
    secret (a password pasted into the wrong field), and these errors reach CI logs and reports."""
    if isinstance(given, bool) or not isinstance(given, str | int | float):
        return message
    text = str(given)
    if len(text) < 3:
        return message
    quoted = re.compile(rf"(?<![\w./:-])['\"]?{re.escape(text)}['\"]?(?![\w./:-])")
    return quoted.sub("the value given", message)
