"""What `functions-framework --target=handler --source=main.py` does, with marks for the cold-start bench.

Run by path (`python launch.py MARKS SOURCE PORT [MODULES]`), never imported: it must
cost nothing the real command does not. It appends `name monotonic_ns` lines to MARKS
(CLOCK_MONOTONIC is one clock for every process of the machine, so the bench subtracts
its own spawn time):

    interpreter  the first line of this file runs (Python started, `site` imported)
    imports      the framework and main.py's own import statements done
    setup        main.py's body done (create_app: settings, runtime, wiring)
    serving      gunicorn's worker is ready to accept
    modules      after the first answer: the non-stdlib modules the worker holds, space-separated

With MODULES (a file of module names, one a line) it measures a function's import floor
instead: it imports exactly those modules, then serves SOURCE (a hello) the same way.
"""

import time

_STARTED = time.monotonic_ns()

import ast  # noqa: E402 - after the first mark, on purpose
import os  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable, Iterable  # noqa: E402
from typing import Any  # noqa: E402


def mark(name: str, value: object = None) -> None:
    with open(sys.argv[1], "a", encoding="utf-8") as fh:
        fh.write(f"{name} {value if value is not None else time.monotonic_ns()}\n")


def _third_party() -> str:
    skip = set(sys.stdlib_module_names) | {"wellness", "main", "__main__", "__mp_main__"}
    return " ".join(sorted(m for m in list(sys.modules) if m.split(".")[0] not in skip and not m.startswith("_")))


def _import_statements(source: str) -> None:
    """Run only main.py's top-level imports, so the rest of its body counts as setup."""
    sys.path.insert(0, os.path.dirname(source))
    tree = ast.parse(open(source, encoding="utf-8").read(), source)
    imports: list[ast.stmt] = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
    code = compile(ast.Module(body=imports, type_ignores=[]), source, "exec")
    exec(code, {"__name__": "_bench_imports"})  # noqa: S102 - the function's own imports, as create_app would run them


def main() -> None:
    mark("interpreter", _STARTED)
    source, port = sys.argv[2], int(sys.argv[3])
    from functions_framework import create_app
    from functions_framework._http import create_server

    if len(sys.argv) > 4:
        for name in open(sys.argv[4], encoding="utf-8").read().split():
            try:
                __import__(name)
            except Exception:  # noqa: BLE001, S112 - a module that only loads in its parent's order
                continue
    else:
        _import_statements(source)
    mark("imports")
    app = create_app("handler", source, "http")  # type: ignore[no-untyped-call]
    mark("setup")
    served = app.wsgi_app

    def first_answer_marks(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        app.wsgi_app = served
        try:
            answer: Iterable[bytes] = served(environ, start_response)
            return answer
        finally:
            mark("modules", _third_party())

    app.wsgi_app = first_answer_marks
    server = create_server(app, False, post_worker_init=lambda worker: mark("serving"))  # type: ignore[no-untyped-call]
    server.run("127.0.0.1", port)


if __name__ == "__main__":
    main()
