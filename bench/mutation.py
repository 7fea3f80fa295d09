"""Mutation testing of the domain model and services: does a test fail when the code is wrong?

Each mutant flips one thing in one module (a comparison, a boolean operator, a constant, a query
lookup, a filter condition, a statement) and runs the chosen tests with ``pytest -x``; a mutant
no test notices survives. Unlike mutmut 3, it also mutates decorated functions
(``change_status`` is ``@transaction.atomic``, ``date_display`` a property) and the conditions of
the models' constraints, which ``full_clean()`` evaluates in Python.

Run from the repository root, with PostgreSQL (each worker uses its own database, the name in
DATABASE_URL with ``_w0``, ``_w1``… appended; pytest-django prefixes ``test_``):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_mutation \\
        .venv/bin/python bench/mutation.py --workers 2

``--suite filters`` mutates the API's query parameters (``lib/filters.py``,
``events/api/filters.py``) and runs their tests instead. ``--list`` prints the mutants without
running them, ``--only 12,40`` runs some again, and the
results go to ``bench/mutation-results.json`` (survivors also on standard output). Mutants
listed in ``EQUIVALENT`` (by module, line and description) are counted apart: no test can see
them, and why is written beside each.
"""

import argparse
import ast
import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = ["events/models.py", "events/services.py"]
TESTS = [
    # Fastest and most pointed first: with -x a mutant usually dies in the first seconds.
    "tests/events/test_edges.py",
    "tests/events/test_text_edges.py",
    "tests/events/test_pinned_edges.py",
    "tests/test_migrations.py",
    "tests/events/test_constraints.py",
    "tests/events/test_evidence.py",
    "tests/events/test_links.py",
    "tests/events/test_dates.py",
    "tests/admin/test_workflow.py",
    "tests/api/test_workflow.py",
    "tests/api/test_limits.py",
    "tests/admin/test_evidence_admin.py",
    "tests/api/test_writes.py",
    "tests/admin/test_curation.py",
    "tests/admin/test_review_fixes.py",
    "tests/api/test_conflict_slugs.py",
    "tests/admin/test_restore.py",
]
# ``--suite filters``: the API's query parameters, with the tests of filters and parameters.
FILTER_MODULES = ["lib/filters.py", "events/api/filters.py"]
FILTER_TESTS = [
    "tests/api/test_params.py",
    "tests/api/test_percent_values.py",
    "tests/api/test_filters.py",
    "tests/api/test_tombstones.py",
]
SUITES = {"models": (MODULES, TESTS), "filters": (FILTER_MODULES, FILTER_TESTS)}
PYTEST = ["-x", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", "--reuse-db"]

# (module, line, description) -> why no test can tell the mutant from the original.
# Keyed by line: re-check them when the modules change (``--list`` shows the lines).
M, S, F = "events/models.py", "events/services.py", "lib/filters.py"
EQUIVALENT: dict[tuple[str, int, str], str] = {
    (M, 62, "drop operand 2 of And"): "the slug of an empty name is empty: nothing changes",
    (M, 219, "delete statement: citation.source = self"): "the citation then reads the article "
    "again, whose new text is already saved: the same span",
    (M, 140, "drop operand 1 of And"): "an empty text anchors nothing, so nothing is written",
    (M, 220, "drop operand 1 of And"): "a quote that no longer occurs is left as typed, so "
    "the comparison alone decides the same",
    (M, 260, "keep only the right operand of BitAnd"): "the affiliates ever affiliated only "
    "narrow the rows first; the Exists on the day decides",
    (M, 402, "Gt -> GtE"): "an end on the period's last day sets period_end to that same day",
    (M, 412, "drop operand 2 of Or"): "full_clean() always passes a set to clean_fields()",
    (M, 518, "return None"): "callers test the result's truth only",
    (M, 540, "drop filter condition effective_from__isnull"): "effective_from__lte beside it "
    "already excludes NULL",
    (M, 543, "drop filter condition proposed_start__isnull"): "proposed_start__lte beside it "
    "already excludes NULL",
    (S, 80, "drop operand 1 of And"): "only a retraction can meet published records linking "
    "to the proposal: published records never link to unpublished proposals",
    (S, 131, "return None"): "callers test the result's truth only",
    (S, 159, "Gt -> GtE"): "an overlap ending where the mark ends appends an empty string",
    (F, 328, "keep only the right operand of BitAnd"): "joining every parameter's repeated keys "
    "changes only parameters already refused as repeated (their first error is kept) or that "
    "the FilterSet does not read",
}

COMPARE_SWAPS = {
    ast.GtE: ast.Gt,
    ast.Gt: ast.GtE,
    ast.LtE: ast.Lt,
    ast.Lt: ast.LtE,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}
LOOKUP_SWAPS = {"__gte": "__gt", "__gt": "__gte", "__lte": "__lt", "__lt": "__lte"}
QUERY_CALLS = {"Q", "filter", "exclude"}


@dataclass
class Mutant:
    id: int
    module: str
    line: int
    description: str
    in_function: bool = True
    statement: int = 0
    status: str = ""  # killed, survived, timeout, equivalent
    seconds: float = 0.0
    reason: str = ""


def _call_name(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _is_docstring(parent: ast.AST | None, node: ast.AST) -> bool:
    body = getattr(parent, "body", None)
    return bool(body) and isinstance(body, list) and body[0] is node


def sites(tree: ast.Module) -> list[tuple[int, str, bool, int]]:
    """Every (line, description, in a function, statement's line) that a mutant changes, in a
    stable order (the walk's)."""
    found: list[tuple[int, str, bool, int]] = []
    _visit(tree, found, apply_index=None)
    return found


def mutate(tree: ast.Module, index: int) -> ast.Module:
    tree = copy.deepcopy(tree)
    _visit(tree, [], apply_index=index)
    return ast.fix_missing_locations(tree)


def _visit(tree: ast.Module, found: list, apply_index: int | None) -> None:
    counter = [0]
    where = {"inside": False, "statement": 0}

    def site(node: ast.AST, description: str) -> bool:
        """Register a site; True when it is the one to apply."""
        line = getattr(node, "lineno", 0)
        found.append((line, description, where["inside"], where["statement"] or line))
        counter[0] += 1
        return apply_index == counter[0] - 1

    def walk(node: ast.AST, parent: ast.AST | None, in_function: bool, in_query: bool) -> None:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            return  # docstrings and bare strings
        if isinstance(node, ast.Import | ast.ImportFrom):
            return
        if isinstance(node, ast.AnnAssign) and node.value is None:
            return
        inside = in_function or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        # Class bodies are mutated only in query conditions (the constraints), not in the
        # field options (max_length, null…) that the migrations fix.
        query = in_query or (isinstance(node, ast.Call) and _call_name(node) in QUERY_CALLS)
        if isinstance(node, ast.stmt):
            where["statement"] = node.lineno
        where["inside"] = inside

        if isinstance(node, ast.Compare):
            for i, op in enumerate(node.ops):
                swap = COMPARE_SWAPS.get(type(op))
                if swap and site(node, f"{type(op).__name__} -> {swap.__name__}"):
                    node.ops[i] = swap()
        elif isinstance(node, ast.BoolOp):
            other = ast.Or if isinstance(node.op, ast.And) else ast.And
            if site(node, f"{type(node.op).__name__} -> {other.__name__}"):
                node.op = other()
            for i in range(len(node.values)):
                if site(node, f"drop operand {i + 1} of {type(node.op).__name__}"):
                    rest = node.values[:i] + node.values[i + 1 :]
                    node.values = rest if len(rest) > 1 else [rest[0], rest[0]]
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr | ast.BitAnd):
            name = type(node.op).__name__
            other = ast.BitAnd if isinstance(node.op, ast.BitOr) else ast.BitOr
            if site(node, f"{name} -> {other.__name__}"):
                node.op = other()
            if site(node, f"keep only the left operand of {name}"):
                node.op, node.right = ast.BitAnd(), copy.deepcopy(node.left)
            if site(node, f"keep only the right operand of {name}"):
                node.op, node.left = ast.BitAnd(), copy.deepcopy(node.right)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Invert):
            if site(node, "drop ~"):
                node.operand = ast.copy_location(
                    ast.UnaryOp(ast.Invert(), node.operand), node
                )  # ~~q
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            if site(node, "drop not"):
                node.operand = ast.copy_location(ast.UnaryOp(ast.Not(), node.operand), node)  # bool
        elif isinstance(node, ast.Constant) and isinstance(node.value, bool) and (inside or query):
            if site(node, f"{node.value} -> {not node.value}"):
                node.value = not node.value
        elif (
            isinstance(node, ast.Constant)
            and type(node.value) is int
            and inside
            and not isinstance(parent, ast.keyword)
        ):
            if site(node, f"{node.value} -> {node.value + 1}"):
                node.value += 1
        elif inside and isinstance(node, ast.keyword) and isinstance(node.value, ast.Constant):
            if type(node.value.value) is int and site(
                node.value, f"{node.arg}={node.value.value} -> {node.value.value + 1}"
            ):
                node.value.value += 1

        if isinstance(node, ast.Call) and _call_name(node) in QUERY_CALLS:
            for i, keyword in enumerate(list(node.keywords)):
                if keyword.arg is None:
                    continue
                for suffix, swap in LOOKUP_SWAPS.items():
                    if keyword.arg.endswith(suffix):
                        new = keyword.arg[: -len(suffix)] + swap
                        if site(node, f"lookup {keyword.arg} -> {new}"):
                            node.keywords[i].arg = new
                        break
                if len(node.keywords) + len(node.args) > 1 and site(
                    node, f"drop filter condition {keyword.arg}"
                ):
                    node.keywords = node.keywords[:i] + node.keywords[i + 1 :]

        if isinstance(node, ast.Return) and node.value is not None and inside:
            if not (isinstance(node.value, ast.Constant) and node.value.value is None):
                if site(node, "return None"):
                    node.value = ast.Constant(None)

        for name, value in ast.iter_fields(node):
            if name in ("annotation", "returns"):
                continue  # evaluated once, observed by no one
            if isinstance(value, list):
                if name in ("body", "orelse") and inside:
                    for i, child in enumerate(list(value)):
                        where["inside"], where["statement"] = True, child.lineno
                        if isinstance(
                            child, ast.Assign | ast.AugAssign | ast.Expr | ast.Continue | ast.Raise
                        ):
                            if _is_docstring(node, child) and isinstance(child, ast.Expr):
                                continue
                            if isinstance(child, ast.Expr) and isinstance(
                                child.value, ast.Constant
                            ):
                                continue
                            if site(child, f"delete statement: {ast.unparse(child)[:60]}"):
                                value[i] = ast.Pass(lineno=child.lineno, col_offset=0)
                                continue
                for child in value:
                    if isinstance(child, ast.AST):
                        walk(child, node, inside, query)
            elif isinstance(value, ast.AST):
                walk(value, node, inside, query)

    walk(tree, None, False, False)


def build_mutants(modules: list[str]) -> tuple[list[Mutant], dict[str, ast.Module]]:
    mutants, trees = [], {}
    for module in modules:
        tree = ast.parse((ROOT / module).read_text(), module)
        trees[module] = tree
        for line, description, in_function, statement in sites(tree):
            mutants.append(Mutant(len(mutants), module, line, description, in_function, statement))
    return mutants, trees


def database_url(worker: int) -> str:
    base = os.environ.get(
        "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tracker_mutation"
    ).rstrip("/")
    return f"{base}_w{worker}"


# In the tests of a line that also runs outside any test: every test is to be run.
EVERY_TEST = ""
COVERAGE_RC = """[run]
dynamic_context = test_function
source = {source}
"""


def tests_by_line(workdir: Path, worker: int) -> dict[tuple[str, int], set[str]]:
    """Run the tests once under coverage: which test functions execute each line."""
    import coverage

    source = ",".join(sorted({module.split("/")[0] for module in MODULES}))
    (workdir / ".mutation-coveragerc").write_text(COVERAGE_RC.format(source=source))
    env = {**os.environ, "DATABASE_URL": database_url(worker)}
    command = [sys.executable, "-m", "coverage", "run", "--rcfile=.mutation-coveragerc"]
    completed = subprocess.run(
        [*command, "-m", "pytest", *PYTEST, *TESTS], cwd=workdir, env=env, capture_output=True
    )
    if completed.returncode != 0:
        sys.exit(f"the tests fail on the unmutated code:\n{completed.stdout.decode()[-3000:]}")
    data = coverage.CoverageData(basename=str(workdir / ".coverage"))
    data.read()
    found: dict[tuple[str, int], set[str]] = {}
    for module in MODULES:
        path = str(workdir / module)
        for line, contexts in data.contexts_by_lineno(path).items():
            for context in contexts:
                if not context:
                    # Also run at import (a filter built in a FilterSet's class body): the
                    # tests that run it again are not the only ones that see it.
                    found.setdefault((module, line), set()).add(EVERY_TEST)
                else:
                    test_module, _, function = context.rpartition(".")
                    test_path = test_module.replace(".", "/") + ".py"
                    found.setdefault((module, line), set()).add(f"{test_path}::{function}")
    return found


def run_tests(
    workdir: Path, worker: int, timeout: float, tests: list[str] | None = None
) -> tuple[str, float]:
    env = {**os.environ, "DATABASE_URL": database_url(worker), "PYTHONDONTWRITEBYTECODE": "1"}
    started = time.monotonic()
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "pytest", *PYTEST, *(tests or TESTS)],
            cwd=workdir,
            env=env,
            capture_output=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return "timeout", time.monotonic() - started
    outcome = {0: "survived", 1: "killed"}.get(completed.returncode, "error")
    if outcome == "error":
        outcome = "killed"  # collection or import errors: the mutant broke the module
    return outcome, time.monotonic() - started


def copy_tree(destination: Path) -> None:
    ignore = shutil.ignore_patterns(".git", ".venv", "node_modules", "__pycache__", "*.sqlite3")
    shutil.copytree(ROOT, destination, ignore=ignore, symlinks=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", help="comma-separated mutant ids")
    parser.add_argument("--list", action="store_true", help="print the mutants and stop")
    parser.add_argument("--output", default=str(ROOT / "bench" / "mutation-results.json"))
    parser.add_argument(
        "--suite",
        choices=sorted(SUITES),
        default="models",
        help="models: the domain model and services (default); filters: the API's query "
        "parameters (lib/filters.py, events/api/filters.py) with their tests",
    )
    args = parser.parse_args()
    modules, tests = SUITES[args.suite]
    MODULES[:], TESTS[:] = list(modules), list(tests)

    mutants, trees = build_mutants(MODULES)
    if args.list:
        for m in mutants:
            print(f"{m.id:4} {m.module}:{m.line} {m.description}")
        return 0
    chosen = mutants
    if args.only:
        wanted = {int(i) for i in args.only.split(",")}
        chosen = [m for m in mutants if m.id in wanted]
    for m in chosen:
        reason = EQUIVALENT.get((m.module, m.line, m.description))
        if reason:
            m.status, m.reason = "equivalent", reason

    scratch = Path(tempfile.mkdtemp(prefix="mutation-"))
    workdirs = []
    for worker in range(args.workers):
        workdir = scratch / f"w{worker}"
        copy_tree(workdir)
        workdirs.append(workdir)
    print(f"{len(chosen)} mutants of {', '.join(MODULES)}; tests: {' '.join(TESTS)}")

    # The unmutated code must pass (and creates each worker's test database); the first
    # worker's run, under coverage, says which tests execute each line: a mutant runs those.
    baseline = []
    for worker, workdir in enumerate(workdirs):
        for module, tree in trees.items():
            (workdir / module).write_text(ast.unparse(tree))
        started = time.monotonic()
        if worker == 0:
            covering = tests_by_line(workdir, worker)
        elif run_tests(workdir, worker, timeout=3600)[0] != "survived":
            print(f"the tests fail on the unmutated code (worker {worker}); stopping")
            return 2
        baseline.append(time.monotonic() - started)
    timeout = max(baseline) * 2 + 30
    print(f"unmutated run: {max(baseline):.0f}s; a mutant times out after {timeout:.0f}s")
    # Lines the unparsed module puts elsewhere: map each mutant to its unparsed line.
    unparsed_line = {}
    for module, tree in trees.items():
        reparsed = ast.parse(ast.unparse(tree))
        for original, again in zip(ast.walk(tree), ast.walk(reparsed), strict=True):
            if hasattr(original, "lineno"):
                unparsed_line.setdefault((module, original.lineno), again.lineno)

    todo = [m for m in chosen if m.status != "equivalent"]
    free = list(range(args.workers))
    first_of_module: dict[str, int] = {}
    for m in mutants:
        first_of_module.setdefault(m.module, m.id)

    def run(mutant: Mutant) -> Mutant:
        worker = free.pop()
        workdir = workdirs[worker]
        try:
            path = workdir / mutant.module
            path.write_text(
                ast.unparse(
                    mutate(trees[mutant.module], mutant.id - first_of_module[mutant.module])
                )
            )
            tests = sorted(
                {
                    test
                    for line in (mutant.line, mutant.statement)
                    for test in covering.get(
                        (mutant.module, unparsed_line.get((mutant.module, line), line)), ()
                    )
                }
            )
            # No test context (class bodies, a def line's defaults run at import): all tests.
            if EVERY_TEST in tests:
                tests = []
            mutant.status, mutant.seconds = run_tests(workdir, worker, timeout, tests)
            if mutant.status == "survived" and tests:
                # Coverage names the tests that ran a line first; a value cached then (a form
                # field built once per filter) is used by others: they have their say too.
                mutant.status, seconds = run_tests(workdir, worker, timeout)
                mutant.seconds += seconds
            path.write_text(ast.unparse(trees[mutant.module]))
        finally:
            free.append(worker)
        mark = "." if mutant.status == "killed" else mutant.status[0].upper()
        print(mark, end="", flush=True)
        return mutant

    started = time.monotonic()
    with ThreadPoolExecutor(args.workers) as pool:
        list(pool.map(run, todo))
    print()
    shutil.rmtree(scratch, ignore_errors=True)

    counts = {s: sum(m.status == s for m in chosen) for s in ("killed", "timeout", "survived")}
    counts["equivalent"] = sum(m.status == "equivalent" for m in chosen)
    detected = counts["killed"] + counts["timeout"]
    rate = detected / max(1, detected + counts["survived"])
    for m in chosen:
        if m.status == "survived":
            print(f"SURVIVED #{m.id} {m.module}:{m.line} {m.description}")
    print(
        f"{counts['killed']} killed, {counts['timeout']} timed out, {counts['survived']} "
        f"survived, {counts['equivalent']} equivalent; kill rate {rate:.1%} of "
        f"{detected + counts['survived']} non-equivalent mutants in "
        f"{(time.monotonic() - started) / 60:.0f} min"
    )
    Path(args.output).write_text(
        json.dumps({"counts": counts, "mutants": [asdict(m) for m in chosen]}, indent=1)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
