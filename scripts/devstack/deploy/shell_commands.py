"""The commands a bash script runs, read with tree-sitter's bash grammar (no script is executed).

A command here is the first word of each simple command, anywhere in the script (pipelines,
lists, `$(…)`, function bodies), after the wrappers that run another command (`sudo`, `env`,
`exec`, `nohup`, `time`, `timeout`, `nice`), with `VAR=value` prefixes skipped. Words that
are not known until run time (`"$VENV/bin/python"`, `${{ … }}` in a workflow) are left out:
nothing can be said about them statically.

    >>> [c.name for c in commands('sudo env A=1 apt-get install -y prometheus | tee log')]
    ['apt-get', 'tee']
    >>> [c.name for c in commands('tf() { terraform "$@"; }; tf plan')]
    ['terraform', 'tf']
    >>> sorted(defined_functions('tf() { terraform "$@"; }'))
    ['tf']
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

import tree_sitter
import tree_sitter_bash

_PARSER = tree_sitter.Parser(tree_sitter.Language(tree_sitter_bash.language()))
_EXPANSIONS = {"simple_expansion", "expansion", "command_substitution", "process_substitution", "arithmetic_expansion"}
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")
# Options of the wrappers that take a value (so the value is not the command).
_WRAPPER_VALUE_OPTIONS = {
    "sudo": {"-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "-T", "--user", "--group"},
    "env": {"-u", "-C", "-S", "--unset", "--chdir"},
    "exec": {"-a"},
    "nice": {"-n", "--adjustment"},
    "timeout": {"-k", "-s", "--kill-after", "--signal"},
    "time": {"-f", "-o", "--format", "--output"},
    "nohup": set(),
}
# Wrappers whose first operand is not the command (timeout DURATION COMMAND).
_WRAPPER_OPERANDS = {"timeout": 1}

# bash's builtins and keywords (bash(1), SHELL BUILTIN COMMANDS): never looked up on PATH.
BASH_BUILTINS = frozenset(
    """: . [ [[ alias bg bind break builtin caller cd command compgen complete compopt continue declare
    dirs disown echo enable eval exec exit export false fc fg getopts hash help history jobs kill let
    local logout mapfile popd printf pushd pwd read readarray readonly return set shift shopt source
    suspend test times trap true type typeset ulimit umask unalias unset wait""".split()
)


@dataclasses.dataclass(frozen=True)
class Command:
    """One command the script runs: its name and its literal arguments (None where not literal)."""

    name: str
    args: tuple[str | None, ...]


def parse(script: str) -> tree_sitter.Tree:
    return _PARSER.parse(script.encode())


def literal(node: tree_sitter.Node) -> str | None:
    """The word's value when it is known before run time (quotes removed), else None."""
    if _has_expansion(node):
        return None
    if node.type == "command_name" and node.named_child_count == 1:
        return literal(node.named_children[0])
    if node.type == "raw_string":
        return _text(node)[1:-1]
    if node.type == "string":
        return "".join(_text(part) for part in node.named_children)
    if node.type == "concatenation":
        parts = [literal(part) for part in node.named_children]
        return None if None in parts else "".join(p for p in parts if p is not None)
    return _text(node)


def defined_functions(script: str) -> set[str]:
    return {
        _text(name)
        for node in _walk(parse(script).root_node)
        if node.type == "function_definition" and (name := node.child_by_field_name("name")) is not None
    }


def commands(script: str) -> list[Command]:
    """Every command the script may run, in source order, wrappers unwrapped."""
    found = []
    for node in _walk(parse(script).root_node):
        if node.type != "command":
            continue
        name_node = node.child_by_field_name("name")
        if name_node is None:  # an assignment alone
            continue
        words = [literal(name_node), *(literal(arg) for arg in node.children_by_field_name("argument"))]
        command = _unwrap(words)
        if command is not None:
            found.append(command)
    return found


def _unwrap(words: list[str | None]) -> Command | None:
    while words and words[0] is not None and words[0] in _WRAPPER_VALUE_OPTIONS:
        wrapper, rest = words[0], words[1:]
        operands_to_skip = _WRAPPER_OPERANDS.get(wrapper, 0)
        while rest:
            word = rest[0]
            if word is not None and word.startswith("-") and word != "-":
                rest = rest[2:] if word in _WRAPPER_VALUE_OPTIONS[wrapper] else rest[1:]
            elif word is not None and wrapper in ("sudo", "env") and _ASSIGNMENT.match(word):
                rest = rest[1:]
            elif operands_to_skip:
                rest, operands_to_skip = rest[1:], operands_to_skip - 1
            else:
                break
        if not rest:  # `sudo -v`, a bare `env`, `exec` with redirections only: the wrapper itself
            return Command(wrapper, ())
        words = rest
    if not words or words[0] is None:
        return None
    return Command(words[0], tuple(words[1:]))


def _has_expansion(node: tree_sitter.Node) -> bool:
    return any(child.type in _EXPANSIONS for child in _walk(node))


def _walk(node: tree_sitter.Node) -> Iterator[tree_sitter.Node]:
    yield node
    for child in node.children:
        yield from _walk(child)


def _text(node: tree_sitter.Node) -> str:
    return (node.text or b"").decode()
