"""Every ``>>>`` example in the package runs and holds (a docstring example is documentation that can rot).

Modules are found by their source holding ``>>>``, so a module that gains an example is tested
without being listed here. Examples that need a real store or server say ``# doctest: +SKIP``;
they are still parsed, so a syntax slip in one fails too.
"""

from __future__ import annotations

import doctest
import importlib
import io
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "newsweave"


def _modules_with_examples() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if ">>>" in path.read_text(encoding="utf-8"):
            parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
            names.append(".".join(parts).removesuffix(".__init__"))
    return names


MODULES = _modules_with_examples()


def test_the_package_has_examples_to_run():
    # the finder itself: it must see the examples the package is known to carry
    assert {"newsweave.group.reprints", "newsweave.enrich.numbers", "newsweave.text.fold"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_hold(name: str):
    module = importlib.import_module(name)
    out = io.StringIO()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in doctest.DocTestFinder().find(module):
        runner.run(test, out=out.write)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{name}: {result.failed} of {result.attempted} examples failed\n{out.getvalue()}"
