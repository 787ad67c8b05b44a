"""rungs's test selection: a pytest plug-in and the commands around it.

Written by rungs into its cache and run with the project's own Python, so it
sees what the tests see. Two halves:

* the plug-in (`pytest -p rungs_tests`) labels coverage.py's data by test
  file: `c:FILE` while pytest imports (collects) the file, `r:FILE` while its
  tests run, `shared` for the rest (start-up, conftest, fixtures wider than a
  function). It records the files each label opened (an audit hook), the
  test files that failed, and what pytest collected;
* `python rungs_tests.py select|update ...`, run by rungs before and after
  pytest: `select` says which test files a change can affect, from the
  record of the last run; `update` joins the fresh data of the selected test
  files with the recorded data of the rest, writes coverage.py's JSON report
  of the whole, and writes the record for the next run.

A function-body edit affects the test files that ran a line of that
function; a module-level edit, the test files that imported the module (its
import-time lines, or a static import path to it); a file that is not Python,
the test files that opened it. Anything the records can't attribute (a new
module, conftest.py, code run outside one test file, a module imported while
tests ran) selects every test file.
"""

import ast
import difflib
import fnmatch
import hashlib
import json
import os
import sys

SHARED = "shared"
RECORD_VERSION = 3
_T0 = None


def _mark(phase):
    """`RUNGS_TIMING=1`: how long each phase took, on stderr (rungs passes
    it on)."""
    global _T0
    if not os.environ.get("RUNGS_TIMING"):
        return
    import time

    now = time.perf_counter()
    if _T0 is None:
        _T0 = now
    print(f"rungs_tests timing: {(now - _T0) * 1000:8.1f} ms  {phase}", file=sys.stderr)


# --------------------------------------------------------------- the plug-in

class _Sink:
    """A stand-in for coverage.py's data that keeps what it is given."""

    def __init__(self):
        self.got = {}

    def add_arcs(self, data):
        # A copy: older coverage.py hands over its live sets and then
        # empties them.
        self.got = {k: list(v) for k, v in data.items()}

    add_lines = add_arcs

    def add_file_tracers(self, data):
        pass


class _Labels:
    """coverage.py's data by label, gathered in memory.

    coverage.py's own dynamic contexts write what the tracers gathered to
    its SQLite file at each switch (on djangorestframework, ~220 of them:
    0.3 s). Here a switch moves the tracers' sets into the current label's
    (a copy in C), and the moved data goes back to the tracers before any
    flush of coverage.py's: its data file is what a run without labels
    writes. The labels are unpacked and mapped to file names by coverage.py's
    own flush, into a sink, once at the end."""

    def __init__(self, cov):
        self.cov = cov
        self.collector = collector = cov._collector
        self.current = SHARED
        self.by_label = {}
        self.pending = {}
        self.others = {}
        self.read = set()
        self.flush = collector.flush_data

        def flush_data():
            self.take()
            self.restore()
            self.read_others()
            return self.flush()

        collector.flush_data = flush_data

    @staticmethod
    def usable(cov):
        collector = getattr(cov, "_collector", None)
        return isinstance(getattr(collector, "data", None), dict) and callable(getattr(collector, "flush_data", None)) \
            and hasattr(collector, "covdata")

    def take(self):
        """Move what the tracers gathered since the last take into the
        current label (and into what coverage.py is still owed)."""
        into = self.by_label.setdefault(self.current, {})
        for fname, live in self.collector.data.copy().items():
            if live:
                snapshot = live.copy()
                live.difference_update(snapshot)
                into.setdefault(fname, set()).update(snapshot)
                self.pending.setdefault(fname, set()).update(snapshot)

    def read_others(self):
        """What other processes measured (coverage.py's subprocess support
        writes its data beside this process's, and pytest-cov combines it
        in after this flush): no one test file's, `shared`."""
        try:
            from coverage import CoverageData

            folder, base = os.path.split(os.path.abspath(self.cov.config.data_file))
            own = getattr(self.cov, "_data", None)
            own = os.path.abspath(own.data_filename()) if own is not None else None
            names = os.listdir(folder)
        except Exception:
            return
        for name in names:
            path = os.path.join(folder, name)
            if not name.startswith(base + ".") or path == own or path in self.read or name.endswith(".tmp"):
                continue
            self.read.add(path)
            try:
                other = CoverageData(basename=path)
                other.read()
                for f in other.measured_files():
                    items = other.arcs(f) if other.has_arcs() else other.lines(f)
                    self.others.setdefault(f, set()).update(items or ())
            except Exception:
                continue

    def restore(self):
        data = self.collector.data
        for fname, items in self.pending.items():
            data.setdefault(fname, set()).update(items)
        self.pending = {}

    def switch(self, label):
        self.take()
        self.current = label

    def dump(self, rel):
        """{label: {rel: [line or [from, to]]}}, through coverage.py's own
        flush (its packing of arcs differs between versions)."""
        self.take()
        collector, data = self.collector, self.collector.data
        sink, real = _Sink(), collector.covdata
        out = {}
        collector.covdata = sink
        try:
            for label, files in self.by_label.items():
                for fname, items in files.items():
                    data.setdefault(fname, set()).update(items)
                sink.got = {}
                if not self.flush() and any(files.values()):
                    # An older coverage.py flushes only while its tracers
                    # were active: nothing to label by.
                    return None
                mine = out.setdefault(label, {})
                for path, items in sink.got.items():
                    r = rel(path)
                    if r is not None and items:
                        mine[r] = list(items)
                for fname, items in files.items():
                    data[fname].difference_update(items)
            shared = out.setdefault(SHARED, {})
            for path, items in self.others.items():
                r = rel(path)
                if r is not None and items:
                    shared[r] = shared.get(r, []) + list(items)
        finally:
            collector.covdata = real
            # What ran meanwhile (coverage.py still running: `coverage run`
            # around pytest) goes back to coverage.py too.
            self.take()
            self.restore()
        return out


class _Recorder:
    def __init__(self, config):
        self.root = os.environ.get("RUNGS_TESTS_ROOT") or str(config.rootpath)
        self.out = os.environ.get("RUNGS_TESTS_OUT")
        self.label = None
        self.module = None
        self.opens = {}
        self.failed = set()
        # Test files collected; their tests as collected, by node id; how
        # many of each file's ran. A file not all of whose tests ran (an
        # interrupted session: a collection error stops pytest before any
        # test runs; -x, --maxfail) is `unrun`: the next run runs it.
        self.collected = set()
        self.items = {}
        self.ran = {}
        self.interrupted = False
        self.unsupported = None
        self.cov = None
        self.labels = None
        self.django = False
        try:
            import coverage

            self.cov = coverage.Coverage.current()
        except Exception:
            self.cov = None
        if self.cov is None:
            self.unsupported = "coverage.py is not measuring this run"
        elif getattr(config.option, "numprocesses", None):
            self.unsupported = "pytest-xdist runs the tests in other processes"
        elif self.cov.config.dynamic_context:
            self.unsupported = "the project sets coverage's dynamic_context itself"
        elif getattr(getattr(self.cov, "_core", None), "supports_dynamic_contexts", True) is False:
            # sys.monitoring reports a line once: only the first test file
            # to run it would have it.
            self.unsupported = "coverage.py's core (sys.monitoring) records each line once, not per test file"
        elif _Labels.usable(self.cov):
            self.labels = _Labels(self.cov)
        elif getattr(config.option, "cov_context", None):
            # Its contexts and rungs's labels, both coverage.py's contexts.
            self.unsupported = "pytest-cov labels coverage by test (--cov-context) and this coverage.py is unknown to rungs"
        if self.unsupported is None:
            sys.addaudithook(self._audit)
            self.switch(SHARED)

    def rel(self, path):
        path = os.path.abspath(str(path))
        if path == self.root or not path.startswith(self.root + os.sep):
            return None
        return os.path.relpath(path, self.root)

    def _combined_rel(self):
        """A measured file's path in the project as coverage.py's data file
        will name it: pytest-cov combines the data, and a combine maps paths
        by the `[paths]` setting (a project testing the installed copy of
        its package maps site-packages/pkg/ to src/pkg/)."""
        try:
            aliases = self.cov._make_aliases()
        except Exception:
            return self.rel
        return lambda path: self.rel(aliases.map(path))

    def _audit(self, event, args):
        if event != "open" or not args or not isinstance(args[0], (str, bytes, os.PathLike)):
            return
        # What a test writes (coverage.py's own data file among them) is
        # no input of it.
        mode = args[1] if len(args) > 1 else None
        flags = args[2] if len(args) > 2 else 0
        if isinstance(mode, str) and "r" not in mode and "+" not in mode:
            return
        if mode is None and isinstance(flags, int) and flags & (os.O_WRONLY | os.O_CREAT | os.O_TRUNC) and not flags & os.O_RDWR:
            return
        try:
            path = os.fsdecode(args[0])
        except Exception:
            return
        rel = self.rel(path)
        if rel is None or "__pycache__" in rel or rel.endswith(".pyc"):
            return
        self.opens.setdefault(self.label, set()).add(rel)

    def _watch_django_templates(self):
        # Django's cached template loader opens a template once per process:
        # the test files that render it later read it too, from the cache.
        self.django = True
        try:
            from django.template import engine
        except Exception:
            return
        original = engine.Engine.find_template
        recorder = self

        def find_template(self, name, dirs=None, skip=None):
            template, origin = original(self, name, dirs, skip)
            path = getattr(origin, "name", None)
            if isinstance(path, str):
                recorder._audit("open", (path,))
            return template, origin

        engine.Engine.find_template = find_template

    def switch(self, label):
        if not self.django and "django.template.engine" in sys.modules:
            self._watch_django_templates()
        # Each switch copies what the tracers gathered (coverage.py's own
        # contexts: writes it to its data file): a test file's tests run
        # under one label, not one each.
        if label == self.label:
            return
        self.label = label
        if self.labels is not None:
            self.labels.switch(label)
        elif self.cov is not None and self.unsupported is None:
            self.cov.switch_context(label)

    def unrun(self):
        expected = {}
        for rel in self.items.values():
            expected[rel] = expected.get(rel, 0) + 1
        return {f for f, n in expected.items() if self.ran.get(f, 0) < n}

    def finish(self):
        if not self.out:
            return
        labels = None
        if self.labels is not None:
            labels = self.labels.dump(self._combined_rel())
            if labels is None:
                self.unsupported = "this coverage.py's data could not be read by test file"
        # The files coverage.py reports at 0% when no test imports them
        # (under `source`): its report looks for them, a joined report
        # needs them named.
        unexecuted = []
        try:
            for path, _ in self.cov._inorout.find_possibly_unexecuted_files():
                rel = self.rel(path)
                if rel:
                    unexecuted.append(rel)
        except Exception:
            pass
        config_file = getattr(self.cov.config, "config_file", None) if self.cov else None
        data = {
            "unexecuted": sorted(unexecuted),
            "unsupported": self.unsupported,
            "python_files": self.python_files,
            "source": getattr(self.cov.config, "source", None) if self.cov else None,
            # Inside the project, relative: the record may serve another clone.
            "config_file": self.rel(config_file) or config_file if config_file else None,
            "opens": {k: sorted(v) for k, v in self.opens.items()},
            "failed": sorted(self.failed),
            "tests": sorted(self.collected),
            "unrun": sorted(self.unrun()),
            "interrupted": self.interrupted,
            # coverage.py stopped (pytest-cov stops and saves it when the
            # tests end): its data file is what `update` will read.
            "final": self.cov is None or coverage_current() is not self.cov,
            # Without them, the labels are coverage.py's contexts.
            "labels": labels,
        }
        # At once: its appearance tells `update` the tests' data is final.
        tmp = f"{self.out}.{os.getpid()}.tmp"
        with open(tmp, "w") as f:
            f.write(json.dumps(data))
        os.replace(tmp, self.out)


_recorder = None


def coverage_current():
    try:
        import coverage

        return coverage.Coverage.current()
    except Exception:
        return None


def pytest_configure(config):
    global _recorder
    _recorder = _Recorder(config)
    _recorder.python_files = config.getini("python_files")


def pytest_collectstart(collector):
    import pytest

    if _recorder and isinstance(collector, pytest.Module):
        rel = _recorder.rel(collector.path)
        if rel:
            _recorder.module = collector.nodeid
            _recorder.collected.add(rel)
            _recorder.switch("c:" + rel)


def pytest_collectreport(report):
    if not _recorder:
        return
    if report.failed:
        rel = _recorder.rel(os.path.join(_recorder.root, report.nodeid.split("::")[0]))
        if rel:
            _recorder.failed.add(rel)
    if report.nodeid == _recorder.module:
        _recorder.module = None
        _recorder.switch(SHARED)


def pytest_collection_finish(session):
    if _recorder:
        _recorder.items = {item.nodeid: _recorder.rel(item.path) for item in session.items}


def pytest_runtest_logfinish(nodeid, location):
    rel = _recorder.items.get(nodeid) if _recorder else None
    if rel:
        _recorder.ran[rel] = _recorder.ran.get(rel, 0) + 1


def pytest_runtest_protocol(item, nextitem):
    # The label stays until the next test file's first test: only pytest
    # runs in between.
    if _recorder:
        rel = _recorder.rel(item.path)
        _recorder.switch("r:" + rel if rel else SHARED)


def pytest_runtestloop(session):
    try:
        return (yield)
    except BaseException:
        # Stopped before or while running (a collection error): pytest-cov
        # then reports nothing, and neither does `update`.
        if _recorder:
            _recorder.interrupted = True
        raise
    finally:
        if _recorder:
            _recorder.switch(SHARED)


def pytest_fixture_setup(fixturedef, request):
    # A package or session fixture serves several test files: what it runs
    # belongs to none of them. (A class or module fixture serves the test
    # file of the test that sets it up.)
    wide = _recorder is not None and fixturedef.scope in ("package", "session")
    before = _recorder.label if wide else None
    if wide:
        _recorder.switch(SHARED)
    try:
        return (yield)
    finally:
        if wide:
            _recorder.switch(before)


def pytest_runtest_logreport(report):
    if _recorder and report.failed:
        rel = _recorder.rel(os.path.join(_recorder.root, report.nodeid.split("::")[0]))
        if rel:
            _recorder.failed.add(rel)


def pytest_sessionfinish(session):
    if _recorder:
        _recorder.finish()


if __name__ != "__main__":  # a plug-in (run as a script, pytest's import is 70 ms lost)
    import pytest as _pytest

    pytest_runtestloop = _pytest.hookimpl(wrapper=True)(pytest_runtestloop)
    pytest_runtest_protocol = _pytest.hookimpl(tryfirst=True)(pytest_runtest_protocol)
    pytest_fixture_setup = _pytest.hookimpl(wrapper=True)(pytest_fixture_setup)


# ------------------------------------------------------------- fingerprints

def _digest(text):
    return hashlib.blake2b(text.encode("utf-8", "surrogateescape"), digest_size=8).hexdigest()


def _file_sha(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def fingerprint(path, rel):
    """What of a Python file an edit can touch: each function's body, the
    module level (everything outside function bodies), each line, and the
    project modules it imports."""
    with open(path, "rb") as f:
        raw = f.read()
    text = raw.decode("utf-8", "surrogateescape")
    entry = {"lines": [_digest(line) for line in text.splitlines()]}
    try:
        tree = ast.parse(raw, filename=path)
    except (SyntaxError, ValueError):
        entry["error"] = True
        return entry
    functions, defs = {}, []

    def walk(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                q = prefix + child.name
                functions[q] = _digest(ast.dump(ast.Module(body=child.body, type_ignores=[])))
                defs.append([q, child.body[0].lineno, child.end_lineno])
                walk(child, q + ".<locals>.")
            elif isinstance(child, ast.ClassDef):
                walk(child, prefix + child.name + ".")
            else:
                walk(child, prefix)

    walk(tree, "")
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            node.body = [ast.Pass()]
    entry["module"] = _digest(ast.dump(tree))
    entry["functions"] = functions
    entry["defs"] = defs
    entry["imports"] = _imports(ast.parse(raw), rel)
    return entry


def _imports(tree, rel):
    """Module names the file imports, absolute (relative ones resolved)."""
    package = rel[:-3].replace(os.sep, ".").split(".")
    if package[-1] == "__init__":
        package = package[:-1]
    else:
        package = package[:-1]
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                names.add(a.name)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package[: len(package) - node.level + 1] if node.level > 1 else package
                base = ".".join(up + ([base] if base else []))
            if base:
                names.add(base)
            for a in node.names:
                names.add(base + "." + a.name if base else a.name)
    return sorted(names)


def _module_files(names, py_files):
    """Project files a module name can be: `a.b` is `a/b.py` or
    `a/b/__init__.py` under any folder (a src layout, a tests folder)."""
    suffixes = {}
    for f in py_files:
        parts = f[:-3].split("/")
        if parts[-1] == "__init__":
            parts = parts[:-1]
        for i in range(len(parts)):
            suffixes.setdefault(".".join(parts[i:]), set()).add(f)
    out = set()
    for n in names:
        out |= suffixes.get(n, set())
    return out


# ------------------------------------------------------------------ select

def _load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def _current(root, files):
    return {f: _file_sha(os.path.join(root, f)) for f in files if os.path.isfile(os.path.join(root, f))}


def _lines(entry):
    """Line numbers of a file's recorded lines, or of its arcs (branch
    coverage: `[from, to]` pairs, negative for a code object's entry and exit)."""
    out = set()
    for item in entry:
        if isinstance(item, list):
            out.update(x for x in item if x > 0)
        else:
            out.add(item)
    return out


def _read(data_file, root):
    """coverage.py's data file by label: {label: {rel: {line or (from, to)}}},
    the files it measured, and whether it holds arcs."""
    import sqlite3

    from coverage.numbits import numbits_to_nums

    contexts, measured, arcs = {}, set(), False
    if not os.path.isfile(data_file):
        return contexts, measured, arcs
    con = sqlite3.connect(data_file)
    try:
        row = con.execute("select value from meta where key = 'has_arcs'").fetchone()
        arcs = bool(row and int(row[0]))
        files = {}
        for fid, path in con.execute("select id, path from file"):
            rel = os.path.relpath(path, root)
            if not rel.startswith(".."):
                files[fid] = rel
                measured.add(rel)
        labels = {cid: name or SHARED for cid, name in con.execute("select id, context from context")}
        if arcs:
            rows = con.execute("select file_id, context_id, fromno, tono from arc")
            for fid, cid, a, b in rows:
                if fid in files:
                    contexts.setdefault(labels.get(cid, SHARED), {}).setdefault(files[fid], set()).add((a, b))
        else:
            for fid, cid, numbits in con.execute("select file_id, context_id, numbits from line_bits"):
                if fid in files:
                    contexts.setdefault(labels.get(cid, SHARED), {}).setdefault(files[fid], set()).update(
                        numbits_to_nums(numbits)
                    )
    finally:
        con.close()
    return contexts, measured, arcs


def _labelled(labels, contexts):
    """The plug-in's labels, and as `shared` what the data file has besides
    (what other processes measured, combined into it)."""
    out = {}
    seen = {}
    for label, files in labels.items():
        mine = out.setdefault(label, {})
        for f, items in files.items():
            items = {tuple(i) if isinstance(i, list) else i for i in items}
            mine[f] = items
            seen.setdefault(f, set()).update(items)
    for files in contexts.values():
        for f, items in files.items():
            rest = items - seen.get(f, set())
            if rest:
                out.setdefault(SHARED, {}).setdefault(f, set()).update(rest)
    return out


def _test_of(label):
    """The test file of a label (`c:FILE`, `r:FILE`); None for `shared`."""
    return label.split(":", 1)[1] if ":" in label else None


def _in_range(defs, line):
    return [q for q, start, end in defs if start <= line <= end]


def select(record, root, current, key):
    """(run everything?, why, the test files to run, why each)."""
    if not record or record.get("version") != RECORD_VERSION:
        return True, "no record of an earlier run", [], {}
    if record.get("unsupported"):
        return True, f"selection is off for this project: {record['unsupported']}", [], {}
    if record.get("key") != key:
        return True, "the tools, their config or the dependencies changed", [], {}
    if record.get("python") != sys.version:
        return True, "another Python", [], {}
    old = record["files"]
    contexts = record["contexts"]
    opens = record.get("opens", {})
    tests = set(record["tests"])
    patterns = record.get("python_files") or ["test_*.py", "*_test.py"]

    def is_test(f):
        return f in tests or any(fnmatch.fnmatch(os.path.basename(f), p) for p in patterns)

    chosen = {}

    def choose(t, why):
        if t in current:
            chosen.setdefault(t, why)

    for t in record.get("failed", []):
        choose(t, "failed last time")
    for t in record.get("unrun", []):
        choose(t, "did not run last time")
    changed = sorted(
        {f for f, sha in current.items() if old.get(f, {}).get("sha") != sha}
        | {f for f in old if f not in current}
    )
    py_files = [f for f in current if f.endswith(".py")]
    importers = None
    for f in changed:
        if os.path.basename(f) == "conftest.py":
            return True, f"{f} changed", [], {}
        if is_test(f):
            choose(f, "new or changed test file")
            continue
        # The labels that ran lines of the file, by line.
        by_line = {}
        for label, files in contexts.items():
            for line in _lines(files.get(f, [])):
                by_line.setdefault(line, set()).add(label)
        every_label = set().union(*by_line.values()) if by_line else set()
        if not f.endswith(".py"):
            readers = {label for label, paths in opens.items() if f in paths}
            if SHARED in readers:
                return True, f"{f} is read outside any one test file", [], {}
            for label in readers:
                choose(_test_of(label), f"reads {f}")
            continue
        if f not in old:
            return True, f"new module {f}", [], {}
        was = old[f]
        now = fingerprint(os.path.join(root, f), f) if f in current else None
        if was.get("error") or (now and now.get("error")):
            return True, f"{f} does not parse", [], {}
        module_changed = now is None or now["module"] != was["module"]
        if module_changed:
            module_lines = [
                line for line in by_line if not _in_range(was["defs"], line)
            ]
            labels = set().union(*(by_line[line] for line in module_lines)) if module_lines else set()
            if SHARED in every_label or any(l.startswith("r:") for l in labels):
                return True, f"module-level change in {f}, which is imported or run outside one test file", [], {}
            if importers is None:
                importers = _importers(old, current, root)
            for t in importers.get(f, set()):
                if is_test(t):
                    choose(t, f"imports {f}")
            for labels in by_line.values():
                for label in labels:
                    choose(_test_of(label), f"runs {f}")
            continue
        edited = {q for q, h in was["functions"].items() if now["functions"].get(q) != h}
        ranges = [d for d in was["defs"] if d[0] in edited]
        for line, labels in by_line.items():
            if _in_range(ranges, line):
                if SHARED in labels:
                    return True, f"{f}: a changed function runs outside one test file", [], {}
                for label in labels:
                    choose(_test_of(label), f"runs {', '.join(sorted(_in_range(ranges, line)))} in {f}")
    for f in current:
        if f.endswith(".py") and is_test(f) and f not in tests and f not in old:
            choose(f, "a test file the record does not know")
    return False, "", sorted(chosen), chosen


def _importers(old, current, root):
    """For each project file, the files that import it, directly or not."""
    py_files = [f for f in current if f.endswith(".py")]
    direct = {}
    for f in py_files:
        entry = old.get(f)
        if entry is None or entry.get("sha") != current[f]:
            entry = fingerprint(os.path.join(root, f), f)
        for target in _module_files(entry.get("imports", []), py_files):
            direct.setdefault(target, set()).add(f)
    closure = {}
    for target in direct:
        seen, stack = set(), [target]
        while stack:
            for imp in direct.get(stack.pop(), ()):
                if imp not in seen:
                    seen.add(imp)
                    stack.append(imp)
        closure[target] = seen
    return closure


# ------------------------------------------------------------------ update

def _moved(items, line_map):
    """Lines or arcs carried across an edit; those touching an edited line
    are dropped (the tests that ran them run again)."""
    out = []
    for item in items:
        if isinstance(item, tuple):
            a, b = (line_map.get(abs(x)) for x in item)
            if a is not None and b is not None:
                out.append((a if item[0] > 0 else -a, b if item[1] > 0 else -b))
        elif item in line_map:
            out.append(line_map[item])
    return out


def _map_lines(old_hashes, new_hashes):
    """Old line number -> new, for lines an edit left alone."""
    matcher = difflib.SequenceMatcher(None, old_hashes, new_hashes, autojunk=False)
    out = {}
    for tag, i1, i2, j1, _ in matcher.get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                out[i1 + k + 1] = j1 + k + 1
    return out


def _analysis_settings(cov):
    """What besides a file's content its parse depends on."""
    import coverage

    config = cov.config
    return repr((
        "parser-1",
        coverage.__version__, sys.version, config.exclude_list, config.partial_list,
        getattr(config, "partial_always_list", None), getattr(config, "exclude_also", None),
    )).encode()


def _source_key(fr, settings):
    """The key of a file's parse: its content and `settings`; None when it
    can't be read."""
    try:
        with open(fr.filename, "rb") as f:
            source = f.read()
    except OSError:
        return None
    return hashlib.blake2b(source + b"\0" + settings, digest_size=16).hexdigest()


def _analyse(fr, folder, settings, key=None):
    """Give coverage.py's file reporter `fr` its parse of the source from
    `folder`, keyed by the file's content and `settings`; parse it and keep
    it there when it is not. False when the file can't be read or parsed
    (coverage.py meets that itself, as it would)."""
    import pickle

    key = key or _source_key(fr, settings)
    if key is None:
        return False
    path = os.path.join(folder, key + ".pickle")
    try:
        with open(path, "rb") as f:
            fr._parser = pickle.load(f)
        return True
    except Exception:
        pass
    try:
        parser = fr.parser
        parser.arcs()
        parser.exit_counts()
    except Exception:
        fr._parser = None
        return False
    os.makedirs(folder, exist_ok=True)
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "wb") as f:
        pickle.dump(parser, f)
    os.replace(tmp, path)
    return True


class _OneShotJson:
    """`json` as coverage.py's JSON report uses it, but encoding at once:
    `json.dump` encodes piece by piece in Python, `json.dumps` in C, ten
    times faster on a report of thousands of lines."""

    dumps = staticmethod(json.dumps)
    loads = staticmethod(json.loads)

    @staticmethod
    def dump(obj, fp, **kwargs):
        fp.write(json.dumps(obj, **kwargs))


def _cache_analysis(cov, folder, measured):
    """Make coverage.py's report read each file's parse of the source
    (statements, exclusions, possible arcs) from `folder`, so only changed
    files are parsed again; and its analysis of the file (the parse against
    the data: what ran, what is missing), keyed by the parse and a digest
    of the file's data in `measured` ({path: digest}), so a file whose code
    and data are as they were costs a read. Its per-function and per-class
    tables, which rungs does not read and which cost as much again, are
    left out."""
    import pickle

    import coverage.jsonreport

    coverage.jsonreport.json = _OneShotJson
    settings = _analysis_settings(cov)
    original = cov._get_file_reporter
    analyze = cov._analyze

    def reporter(morf):
        fr = original(morf)
        if type(fr).__name__ == "PythonFileReporter":
            fr.code_region_kinds = lambda: []
            fr.code_regions = lambda: []
        return fr

    def analysis(morf, file_reporter=None):
        fr = file_reporter or reporter(morf)
        if type(fr).__name__ != "PythonFileReporter":
            return analyze(morf, fr)
        key = _source_key(fr, settings)
        digest = measured.get(fr.filename)
        if key is None or digest is None:
            _analyse(fr, folder, settings, key)
            return analyze(morf, fr)
        path = os.path.join(folder, hashlib.blake2b(
            repr(("analysis-1", key, fr.filename, digest, cov.config.precision)).encode(), digest_size=16,
        ).hexdigest() + ".pickle")
        try:
            with open(path, "rb") as f:
                return pickle.load(f)
        except Exception:
            pass
        _analyse(fr, folder, settings, key)
        made = analyze(morf, fr)
        tmp = f"{path}.{os.getpid()}.tmp"
        with open(tmp, "wb") as f:
            pickle.dump(made, f)
        os.replace(tmp, path)
        return made

    cov._get_file_reporter = reporter
    try:
        import inspect

        two = len(inspect.signature(analyze).parameters) >= 2
    except (TypeError, ValueError):
        two = False
    # An older coverage.py's _analyze(it) takes one argument: its own
    # analysis, uncached (with ignore_errors a mismatch would drop every
    # file from the report).
    if two:
        cov._analyze = analysis


def _digests(root, contexts, measured, arcs):
    """Per measured file (by its path as coverage.py's data has it), a
    digest of every label's lines or arcs in it, and of the data's kind."""
    union = {f: set() for f in measured}
    for files in contexts.values():
        for f, items in files.items():
            union.setdefault(f, set()).update(items)
    return {
        os.path.join(root, f): hashlib.blake2b(repr((arcs, sorted(items))).encode(), digest_size=16).hexdigest()
        for f, items in union.items()
    }


def _config_file(root, recorded):
    """coverage.py's config file as the plug-in recorded it (relative to
    the project when in it); True, coverage.py's own search, when none."""
    if not recorded:
        return True
    return os.path.join(root, recorded)


def prepare(record, root, current, analysis_dir):
    """While the tests run: fingerprint the Python files the record does
    not know as they are (returned, for `update`), and parse the files
    coverage.py will report on into the analysis cache, so that after the
    tests only the joining and the report are left."""
    import coverage
    from coverage.python import PythonFileReporter

    old = (record or {}).get("files", {})
    fresh = {}
    for f, sha in current.items():
        if f.endswith(".py") and old.get(f, {}).get("sha") != sha:
            fresh[f] = fingerprint(os.path.join(root, f), f)
            fresh[f]["sha"] = sha
    _mark("prepare: fingerprints taken")
    if not analysis_dir:
        return fresh
    usable = record and not record.get("unsupported")
    # The files the last run measured; with no record, every Python file.
    files = record.get("measured", []) if usable else [f for f in current if f.endswith(".py")]
    config_file = _config_file(root, (record or {}).get("config_file"))
    cov = coverage.Coverage(data_file=None, config_file=config_file, source=(record or {}).get("source"))
    settings = _analysis_settings(cov)
    for f in files:
        if f in current and f.endswith(".py"):
            _analyse(PythonFileReporter(os.path.join(root, f), cov), analysis_dir, settings)
    _mark("prepare: files parsed")
    return fresh


def _write_joined(data_file, joined_file, root, contexts, measured, arcs):
    """One coverage.py data file of `contexts` (every label's lines or
    arcs, without the labels) and of the `measured` files no test ran, as
    coverage.py reports them: at 0 %. File tracers as `data_file` has them."""
    from coverage import CoverageData

    merged = CoverageData(basename=joined_file)
    merged.erase()
    joined = {os.path.join(root, f): set() for f in measured}
    for files in contexts.values():
        for f, items in files.items():
            joined.setdefault(os.path.join(root, f), set()).update(items)
    if arcs:
        merged.add_arcs({f: sorted(items) for f, items in joined.items()})
    else:
        merged.add_lines({f: sorted(items) for f, items in joined.items()})
    untouched = [f for f, items in joined.items() if not items]
    if untouched:
        merged.touch_files(untouched)
    fresh = CoverageData(basename=data_file)
    fresh.read()
    file_tracers = {}
    for path in fresh.measured_files():
        tracer = fresh.file_tracer(path)
        if tracer and path in joined:
            file_tracers[path] = tracer
    if file_tracers:
        merged.add_file_tracers(file_tracers)
    merged.write()


def update(record, root, current, key, data_file, plugin_out, selected, json_out, record_out, analysis_dir=None, fingerprints=None):
    """Join, report, record. `selected` is None for a run of every test file."""
    import coverage

    plugin = _load(plugin_out) or {"unsupported": "the plug-in wrote no record"}
    if not plugin.get("tests") and record and not record.get("unsupported"):
        # No test ran (nothing was selected): coverage's settings as recorded.
        for k in ("python_files", "source", "config_file"):
            plugin.setdefault(k, record.get(k))
            if plugin[k] is None:
                plugin[k] = record.get(k)
    config_file = _config_file(root, plugin.get("config_file"))
    source = plugin.get("source")

    def report(data, digests=None):
        if plugin.get("interrupted"):
            # As pytest-cov: no report of a session stopped short.
            if os.path.exists(json_out):
                os.remove(json_out)
            return
        cov = coverage.Coverage(data_file=data, config_file=config_file, source=source)
        cov.load()
        if analysis_dir:
            _cache_analysis(cov, analysis_dir, digests or {})
        try:
            # As pytest-cov asks it: a measured file that does not parse (a
            # template compiled under its own name) is left out, not an error.
            cov.json_report(outfile=json_out, ignore_errors=True)
        except coverage.exceptions.NoDataError:
            pass
        except coverage.exceptions.CoverageException as e:
            # As pytest-cov does: the run's verdict stands, without a
            # report (a file that does not parse).
            print(f"rungs_tests: no coverage report: {e}", file=sys.stderr)
            if os.path.exists(json_out):
                os.remove(json_out)

    def write_record(record):
        tmp = record_out + ".tmp"
        with open(tmp, "w") as f:
            f.write(json.dumps(record))
        os.replace(tmp, record_out)

    if plugin.get("unsupported"):
        report(data_file)
        write_record({"version": RECORD_VERSION, "unsupported": plugin["unsupported"]})
        return
    # Files coverage.py knows, run or not (a module no test imports, under
    # `source`, is in the report at 0%).
    _mark("update: the tests ended")
    contexts, measured, arcs = _read(data_file, root)
    if plugin.get("labels") is not None:
        contexts = _labelled(plugin["labels"], contexts)
    _mark("update: data read by label")
    measured |= {f for f in plugin.get("unexecuted", []) if f in current}
    if not os.path.isfile(data_file) and record:
        arcs = record.get("arcs", False)  # no test ran
    if record and record.get("arcs", False) != arcs and selected is not None:
        raise SystemExit("rungs_tests: the record and this run measure differently")
    opens = {k: set(v) for k, v in plugin.get("opens", {}).items()}
    tests = set(plugin.get("tests", []))
    unrun = set(plugin.get("unrun", []))
    fingerprints = dict(fingerprints or {})

    def fp(f):
        if f not in fingerprints:
            fingerprints[f] = fingerprint(os.path.join(root, f), f)
            fingerprints[f]["sha"] = current[f]
        return fingerprints[f]

    if selected is not None and record:
        rerun = set(selected)
        maps = {}

        def kept(label):
            """A label's recorded data still stands: shared, or a test file
            that exists and did not run again."""
            test = _test_of(label)
            return test is None or (test not in rerun and test in current)

        for label, files in record["contexts"].items():
            if not kept(label):
                continue
            for f, items in files.items():
                if f not in current:
                    continue
                was = record["files"].get(f)
                if was is None:
                    continue
                items = [tuple(i) if isinstance(i, list) else i for i in items]
                if was["sha"] != current[f]:
                    if f not in maps:
                        maps[f] = _map_lines(was["lines"], fp(f)["lines"])
                    items = _moved(items, maps[f])
                contexts.setdefault(label, {}).setdefault(f, set()).update(items)
        for label, paths in record.get("opens", {}).items():
            if not kept(label):
                continue
            opens.setdefault(label, set()).update(paths)
        tests |= {t for t in record["tests"] if t in current and t not in rerun}
        unrun |= {t for t in record.get("unrun", []) if t in current and t not in rerun}
        measured |= {f for f in record.get("measured", []) if f in current}
    _mark("update: the record's data joined")
    digests = _digests(root, contexts, measured, arcs)
    if selected is None:
        # Every test file ran: coverage.py's own report of this run's data.
        report(data_file, digests)
    else:
        _write_joined(data_file, data_file + ".joined", root, contexts, measured, arcs)
        _mark("update: joined data written")
        report(data_file + ".joined", digests)
    _mark("update: report written")
    files = {}
    old_files = (record or {}).get("files", {})
    for f in current:
        if not f.endswith(".py"):
            files[f] = {"sha": current[f]}
        elif f in old_files and old_files[f].get("sha") == current[f]:
            files[f] = old_files[f]
        else:
            files[f] = fp(f)
    new_record = {
        "version": RECORD_VERSION,
        "key": key,
        "python": sys.version,
        "python_files": plugin.get("python_files"),
        "source": source,
        "config_file": plugin.get("config_file"),
        "files": files,
        "arcs": arcs,
        "contexts": {k: {f: sorted(items) for f, items in v.items()} for k, v in contexts.items()},
        "opens": {k: sorted(v) for k, v in opens.items()},
        "failed": plugin.get("failed", []),
        "tests": sorted(tests),
        "unrun": sorted(unrun),
        "measured": sorted(measured),
    }
    _mark("update: fingerprints taken")
    write_record(new_record)
    _mark("update: record written")


class _Stdin:
    """rungs's lines on stdin, read from the descriptor itself, so that
    waiting for one can also watch for something else."""

    def __init__(self):
        self.buffer = b""
        self.eof = False

    def line(self, timeout=None):
        """The next line; "" at end of input; None when `timeout` passed
        first."""
        import select

        while b"\n" not in self.buffer and not self.eof:
            if timeout is not None and not select.select([0], [], [], timeout)[0]:
                return None
            chunk = os.read(0, 65536)
            self.buffer += chunk
            self.eof = not chunk
        line, sep, self.buffer = self.buffer.partition(b"\n")
        return (line + sep).decode()


def _tests_ended(stdin, plugin_out):
    """When the tests' data is final: "early" when the plug-in wrote its
    record (the last thing it does, while pytest still tears down and
    exits: a second on djangorestframework) after coverage.py stopped; "go"
    when rungs says pytest ended (a line); None at end of input (rungs gave
    up)."""
    seen = False
    while True:
        line = stdin.line(timeout=0.02)
        if line is not None:
            return "go" if line.strip() else None
        if not seen and os.path.exists(plugin_out):
            seen = True
            if (_load(plugin_out) or {}).get("final"):
                return "early"


def main(argv):
    _mark(f"{argv[1]}: started")
    stdin = _Stdin()
    args = json.loads(stdin.line())
    root = args["root"]
    current = _current(root, args["files"])
    _mark(f"{argv[1]}: files hashed")
    record = _load(args["record"])
    _mark(f"{argv[1]}: record read")
    if argv[1] == "select":
        everything, why, chosen, reasons = select(record, root, current, args["key"])
        _mark("select: decided")
        json.dump({"all": everything, "why": why, "selected": chosen, "reasons": reasons}, sys.stdout)
    elif argv[1] == "update":
        # Started with the tests: first what needs none of their data; the
        # rest once rungs says they ended (a line), nothing if it gave up.
        fresh = prepare(record, root, current, args.get("analysis_dir"))
        ended = _tests_ended(stdin, args["plugin_out"])
        if not ended:
            return
        # Before pytest exits, beside the real ones: kept only when rungs
        # then says pytest ended as it expects (a run it gives up on, at a
        # timeout or a crash, must leave no record).
        outs = {args["record"]: args["record"], args["json_out"]: args["json_out"]}
        if ended == "early":
            outs = {real: f"{real}.early" for real in outs}
        update(
            record, root, current, args["key"], args["data_file"], args["plugin_out"],
            args.get("selected"), outs[args["json_out"]], outs[args["record"]], args.get("analysis_dir"),
            fresh,
        )
        if ended == "early":
            keep = bool(stdin.line().strip())
            for real, early in outs.items():
                if keep and os.path.exists(early):
                    os.replace(early, real)
                elif os.path.exists(early):
                    os.remove(early)
        # What it holds is many small objects: freeing them one by one at
        # exit costs a tenth of a second for nothing.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
    else:
        raise SystemExit(f"rungs_tests: unknown command {argv[1]!r}")


if __name__ == "__main__":
    main(sys.argv)
