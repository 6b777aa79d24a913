"""Every stack file is read with limits: a malformed or hostile file is refused in one line naming
it, never a traceback, a hang or a memory blow-up; whatever it holds, the reader answers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from federation_catalogue.errors import ConfigError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.bounded_text import MAX_FILE_BYTES, UnreadableFile
from model.safe_yaml import MAX_DEPTH, MAX_NODES, load_yaml_text
from model.stack_file import read_stack_document

LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n" for i in range(9)
)
HOSTILE_TEXT: dict[str, tuple[str, str]] = {
    "billion laughs": (LAUGHS, f"more than {MAX_NODES} values"),
    "20,000 nested flow lists": ("config: " + "[" * 20_000 + "]" * 20_000, f"deeper than {MAX_DEPTH}"),
    "deep flow mappings": ("config: " + "{a: " * 5_000 + "1" + "}" * 5_000, f"deeper than {MAX_DEPTH}"),
    "deep block mappings": ("config:\n" + "".join(" " * i + f"k{i}:\n" for i in range(1, 300)), "deeper"),
    "deep block sequences": ("config:\n" + "- " * 5_000 + "x\n", "deeper"),
    "alias to itself": ("config: &a {b: *a}\n", "refers to itself"),
    "undefined alias": ("config: *nowhere\n", "undefined alias"),
    "syntax error": ("config: {a: [1, 2}\n", "not valid YAML"),
    "tab indentation": ("config:\n\tkey: 1\n", "not valid YAML"),
    "python object tag": ("config: !!python/object/apply:os.system [id]\n", "not valid YAML"),
    "duplicate key": ("config:\n  sovcloud:kind: tenant\n  sovcloud:kind: platform\n", "'sovcloud:kind' twice"),
    "bell character": ("config:\n  a: ring\x07\n", "control character U+0007 at line 2"),
    "escape sequence": ("config:\n  a: \x1b[31mred\n", "control character U+001B"),
    "NUL byte": ("config:\n  a: b\x00c\n", "control character U+0000"),
}


def write(tmp_path: Path, content: str | bytes, name: str = "Pulumi.tenant-x.yaml") -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


@pytest.mark.parametrize("case", sorted(HOSTILE_TEXT))
def test_hostile_yaml_is_refused_in_one_line_naming_the_file(tmp_path: Path, case: str) -> None:
    text, reason = HOSTILE_TEXT[case]
    path = write(tmp_path, text)
    with pytest.raises(UnreadableFile) as caught:
        read_stack_document(path, shown="stacks/Pulumi.tenant-x.yaml")
    message = str(caught.value)
    assert message.startswith("stacks/Pulumi.tenant-x.yaml: ")
    assert reason in message
    assert "\n" not in message


def test_non_utf8_bytes_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, b"config:\n  sovcloud:kind: t\xe9nant\n")
    with pytest.raises(UnreadableFile, match="not UTF-8 text"):
        read_stack_document(path)


def test_a_file_over_the_size_limit_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    path = write(tmp_path, "config:\n  filler: " + "x" * MAX_FILE_BYTES + "\n")
    with pytest.raises(UnreadableFile, match=f"over the limit of {MAX_FILE_BYTES}"):
        read_stack_document(path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need a POSIX system")
def test_a_named_pipe_is_refused_without_being_opened(tmp_path: Path) -> None:
    pipe = tmp_path / "Pulumi.tenant-pipe.yaml"
    os.mkfifo(pipe)  # no writer: opening it for a blocking read would wait forever
    with pytest.raises(UnreadableFile, match="is a named pipe, not a regular file"):
        read_stack_document(pipe)


def test_a_directory_and_a_device_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "Pulumi.tenant-dir.yaml"
    folder.mkdir()
    with pytest.raises(UnreadableFile, match="is a directory"):
        read_stack_document(folder)
    if Path("/dev/zero").exists():
        with pytest.raises(UnreadableFile, match="character device"):
            read_stack_document(Path("/dev/zero"))


def test_benign_aliases_dates_and_a_byte_order_mark_are_read(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "\ufeffconfig:\n  sovcloud:a: &shared {x: 1}\n  sovcloud:b: *shared\n  sovcloud:since: 2026-11-30\n",
    )
    config = read_stack_document(path)["config"]
    assert config["sovcloud:b"] == {"x": 1}
    assert config["sovcloud:since"] == "2026-11-30"  # text, as the engine passes it


YAML_PIECES = st.sampled_from(
    ["[", "]", "{", "}", ":", ": ", "- ", ",", "&a ", "*a", "&b ", "*b", "!!str ", "!!binary ", "? ", "|", ">",
     "'", '"', "#", "\n", "\n  ", "\n    ", "\t", "%YAML 1.1\n", "---\n", "...\n", "<<: ", "config", "secure",
     "sovcloud:kind", "1", "1e30", "~", "yes", "2026-01-01", "é", "\x00", "\x85", "\ufeff", "\\", "key"]
)  # fmt: skip


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pieces=st.lists(YAML_PIECES, max_size=60))
def test_any_yaml_like_text_is_read_or_refused_naming_the_file(tmp_path: Path, pieces: list[str]) -> None:
    path = write(tmp_path, "".join(pieces))
    try:
        document = read_stack_document(path, shown="stacks/Pulumi.tenant-x.yaml")
    except (UnreadableFile, ConfigError) as error:
        assert str(error).startswith("stacks/Pulumi.tenant-x.yaml: ")
    else:
        assert isinstance(document, dict)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400))
def test_any_bytes_are_read_or_refused_naming_the_file(tmp_path: Path, data: bytes) -> None:
    path = write(tmp_path, data)
    try:
        read_stack_document(path, shown="f.yaml")
    except (UnreadableFile, ConfigError) as error:
        assert str(error).startswith("f.yaml: ")


@settings(max_examples=200, deadline=None)
@given(levels=st.integers(min_value=2, max_value=12), fan=st.integers(min_value=2, max_value=12))
def test_alias_expansion_is_bounded_whatever_the_shape(levels: int, fan: int) -> None:
    lines = ["l0: &l0 [x]"]
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * fan)}]" for i in range(1, levels)]
    try:
        load_yaml_text("\n".join(lines) + "\n", "f.yaml")
    except UnreadableFile as error:
        assert "values (aliases)" in str(error) or "deeper" in str(error)
        assert fan**levels > MAX_NODES // 4  # only refused when the expansion is really large
