"""What a user can set is documented: every CLI command and option has help text, every
``NEWSWEAVE_*`` variable the package reads is in README.md (or a doc it links), and every
extra an error message tells the user to install exists in pyproject.toml."""

from __future__ import annotations

import ast
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import typer.main

from newsweave.cli import app

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "newsweave"


def _commands(command, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], object]]:
    yield path, command
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from _commands(sub, (*path, name))


def undocumented_cli() -> list[str]:
    """``newsweave …`` commands without a help text, and their options and arguments without one."""
    missing = []
    for path, command in _commands(typer.main.get_command(app), ("newsweave",)):
        if getattr(command, "hidden", False):
            continue
        where = " ".join(path)
        if not (command.help or command.short_help):
            missing.append(f"{where} (the command)")
        for param in command.params:
            if not getattr(param, "hidden", False) and not (getattr(param, "help", None) or "").strip():
                missing.append(f"{where} {'/'.join(param.opts)}")
    return missing


def test_every_command_and_option_has_help():
    assert undocumented_cli() == []


def test_the_walk_sees_the_whole_command_tree():
    # the check above is only as good as the walk: nested groups and their options are reached
    seen = {" ".join(path) for path, _ in _commands(typer.main.get_command(app), ("newsweave",))}
    assert {"newsweave ingest", "newsweave story split", "newsweave bench hostile", "newsweave spark run"} <= seen


def _variables_read() -> dict[str, str]:
    """Each NEWSWEAVE_* name written in the package's code, with a file that writes it."""
    found: dict[str, str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and re.fullmatch(r"NEWSWEAVE_[A-Z0-9_]+", node.value):
                found.setdefault(node.value, str(path.relative_to(ROOT)))
    return found


def _user_docs() -> str:
    """README.md and every docs/ page it links to."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    linked = sorted(set(re.findall(r"docs/[\w.-]+\.md", readme)))
    return "\n".join([readme, *((ROOT / name).read_text(encoding="utf-8") for name in linked if (ROOT / name).exists())])


def test_every_environment_variable_is_documented():
    variables = _variables_read()
    assert {"NEWSWEAVE_DB", "NEWSWEAVE_TOKEN"} <= set(variables)  # the scan finds what the code reads
    docs = _user_docs()
    assert {name: where for name, where in variables.items() if name not in docs} == {}


def _extras_named() -> dict[str, str]:
    """The ``extra`` argument of every ``MissingDependency(package, extra, purpose)`` in the package."""
    named: dict[str, str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "MissingDependency" \
                    and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant):
                named[f"{path.relative_to(ROOT)}:{node.lineno}"] = node.args[1].value
    return named


def test_every_extra_an_error_names_exists():
    extras = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"])
    named = _extras_named()
    assert "embed" in named.values()  # the scan finds the calls
    assert {where: extra for where, extra in named.items() if extra is not None and extra not in extras} == {}
    # pip install 'newsweave[...]' written out in a message or doc names a real extra too
    for path in [*PACKAGE.rglob("*.py"), ROOT / "README.md", *(ROOT / "docs").glob("*.md")]:
        for extra in re.findall(r"newsweave\[([\w,-]+)\]", path.read_text(encoding="utf-8")):
            assert set(extra.split(",")) <= extras, f"{path.relative_to(ROOT)} names newsweave[{extra}]"
