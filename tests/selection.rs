//! Only the tests a change can affect, and the proof that selecting never
//! passes what a full run fails: a seeded random walk of edits over a fixture
//! project (function bodies, module constants, class attributes, decorators,
//! imports, a conftest fixture, a template and a data file a test reads,
//! a settings value, tests edited, added and deleted functions), each
//! followed by a selecting run and a full run that must agree on the
//! verdict, the failing tests and the coverage total.

mod common;
use common::*;
use std::collections::BTreeSet;
use std::path::Path;

const CALC: &str = "from app import settings

RATE = 2


def double(x):
    return x * RATE


def triple(x):
    return x * 3


def taxed(x):
    return x + x * settings.TAX // 100


def spare(x):
    return x - 1
";

const SHAPES: &str = "import math


def registered(cls):
    cls.registered = True
    return cls


@registered
class Square:
    sides = 4

    def __init__(self, size):
        self.size = size

    def area(self):
        return self.size * self.size

    def perimeter(self):
        return self.sides * self.size


class Circle:
    def __init__(self, r):
        self.r = r

    def area(self):
        return round(math.pi * self.r * self.r, 2)
";

const PAGE: &str = "import json
import os

HERE = os.path.dirname(__file__)


def render():
    with open(os.path.join(HERE, \"..\", \"templates\", \"page.txt\")) as f:
        return f.read().strip()


def price(name):
    with open(os.path.join(HERE, \"..\", \"data\", \"prices.json\")) as f:
        return json.load(f)[name]
";

fn project(dir: &Path, branch: bool) {
    write(
        dir,
        "pyproject.toml",
        &format!(
            "[project]\nname = \"walk\"\nversion = \"0\"\n\n[tool.pytest.ini_options]\npythonpath = [\".\"]\n\n[tool.coverage.run]\nsource = [\"app\"]\nbranch = {branch}\n"
        ),
    );
    write(dir, "app/__init__.py", "");
    write(dir, "app/settings.py", "TAX = 10\nDEBUG = False\n");
    write(dir, "app/calc.py", CALC);
    write(dir, "app/shapes.py", SHAPES);
    write(dir, "app/page.py", PAGE);
    // No test imports it: coverage.py reports it at 0%, and so must a join.
    write(
        dir,
        "app/unused.py",
        "def never(x):\n    if x:\n        return 1\n    return 2\n",
    );
    write(dir, "templates/page.txt", "hello\n");
    write(dir, "data/prices.json", "{\"apple\": 3, \"pear\": 4}\n");
    write(
        dir,
        "tests/conftest.py",
        "import pytest\n\n\n@pytest.fixture\ndef size():\n    return 3\n",
    );
    write(
        dir,
        "tests/test_calc.py",
        "from app.calc import double, taxed, triple\n\n\ndef test_double():\n    assert double(2) == 4\n\n\ndef test_triple():\n    assert triple(2) == 6\n\n\ndef test_taxed():\n    assert taxed(100) == 110\n",
    );
    write(
        dir,
        "tests/test_shapes.py",
        "from app.shapes import Circle, Square\n\n\ndef test_square_area(size):\n    assert Square(size).area() == 9\n\n\ndef test_perimeter(size):\n    assert Square(size).perimeter() == 12\n\n\ndef test_registered():\n    assert Square.registered is True\n\n\ndef test_circle():\n    assert Circle(1).area() == 3.14\n",
    );
    write(
        dir,
        "tests/test_page.py",
        "from app.page import price, render\n\n\ndef test_render():\n    assert render() == \"hello\"\n\n\ndef test_price():\n    assert price(\"apple\") == 3\n",
    );
    write(
        dir,
        "tests/test_settings.py",
        "from app import settings\n\n\ndef test_debug_is_off():\n    with open(\"stamp.txt\", \"w\") as f:\n        f.write(\"written by a test\\n\")\n    assert settings.DEBUG is False\n",
    );
}

/// xorshift64*: the walk is the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn read(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel)).unwrap_or_default()
}

/// Replace the `nth` match (mod the count) of `pattern` in `rel`; false when
/// there is none.
fn replace(dir: &Path, rel: &str, pattern: &str, with: &str, nth: usize) -> bool {
    let text = read(dir, rel);
    let re = regex::Regex::new(pattern).unwrap();
    let found: Vec<_> = re.find_iter(&text).collect();
    if found.is_empty() {
        return false;
    }
    let m = found[nth % found.len()];
    let mut out = text[..m.start()].to_string();
    out.push_str(&re.replace(m.as_str(), with));
    out.push_str(&text[m.end()..]);
    write(dir, rel, &out);
    true
}

/// One random edit; returns what it did.
fn mutate(dir: &Path, rng: &mut Rng, step: usize) -> String {
    let n = rng.below(7) + 1;
    let k = rng.below(1000);
    loop {
        let kind = rng.below(16);
        let done = match kind {
            // A constant inside a function body.
            0 => replace(
                dir,
                "app/calc.py",
                r"(return x \* )\d+",
                &format!("${{1}}{n}"),
                k,
            ),
            1 => replace(
                dir,
                "app/shapes.py",
                r"(round\(.*, )\d+\)",
                &format!("${{1}}{})", n % 4),
                k,
            ),
            // An operator inside a function body.
            2 => {
                let (from, to) = *rng.pick(&[(" \\* ", " + "), (" \\+ ", " * "), (" - ", " + ")]);
                replace(
                    dir,
                    rng.pick::<&str>(&["app/calc.py", "app/shapes.py"]),
                    from,
                    to,
                    k,
                )
            }
            // Module-level constants and class attributes.
            3 => replace(
                dir,
                "app/calc.py",
                r"(?m)^RATE = \d+",
                &format!("RATE = {n}"),
                0,
            ),
            4 => replace(
                dir,
                "app/shapes.py",
                r"sides = \d+",
                &format!("sides = {n}"),
                0,
            ),
            // A settings value.
            5 => replace(
                dir,
                "app/settings.py",
                r"TAX = \d+",
                &format!("TAX = {}", n * 5),
                0,
            ),
            6 => {
                let flip = if read(dir, "app/settings.py").contains("DEBUG = False") {
                    "DEBUG = True"
                } else {
                    "DEBUG = False"
                };
                replace(dir, "app/settings.py", r"DEBUG = \w+", flip, 0)
            }
            // A decorator, off and on.
            7 => {
                replace(dir, "app/shapes.py", r"\n@registered\n", "\n", 0)
                    || replace(
                        dir,
                        "app/shapes.py",
                        r"\nclass Square:",
                        "\n@registered\nclass Square:",
                        0,
                    )
            }
            // An import removed and added back, or a new one.
            8 => {
                replace(dir, "app/shapes.py", r"^import math\n", "", 0)
                    || replace(dir, "app/shapes.py", r"^", "import math\n", 0)
            }
            9 => {
                replace(dir, "app/calc.py", r"^", "import os\n", 0)
                    || replace(dir, "app/calc.py", r"^import os\n", "", 0)
            }
            // The conftest fixture.
            10 => replace(
                dir,
                "tests/conftest.py",
                r"return \d+",
                &format!("return {}", 2 + n % 3),
                0,
            ),
            // The template and the data file a test reads.
            11 => {
                let text = *rng.pick(&["hello\n", "hellp\n", "hello\n\n"]);
                write(dir, "templates/page.txt", text);
                true
            }
            12 => replace(
                dir,
                "data/prices.json",
                r#""(apple|pear)": \d+"#,
                &format!("\"${{1}}\": {}", 2 + n % 3),
                k,
            ),
            // An edited test.
            13 => {
                let file = rng.pick(&[
                    "tests/test_calc.py",
                    "tests/test_shapes.py",
                    "tests/test_page.py",
                ]);
                replace(
                    dir,
                    file,
                    r"== (\d+)",
                    &format!("== {}", [4, 6, 9, 12, 110][n % 5]),
                    k,
                )
            }
            // A new test file.
            14 => {
                let target = rng.pick(&[
                    "double(3) == 6",
                    "triple(1) == 3",
                    "spare(5) == 4",
                    "double(1) == 3",
                ]);
                write(
                    dir,
                    &format!("tests/test_new_{step}.py"),
                    &format!(
                        "from app.calc import *  # noqa\n\n\ndef test_new():\n    assert {target}\n"
                    ),
                );
                true
            }
            // A function deleted, and put back.
            _ => {
                let spare = "\n\ndef spare(x):\n    return x - 1\n";
                let text = read(dir, "app/calc.py");
                if text.contains(spare) {
                    write(dir, "app/calc.py", &text.replace(spare, "\n"));
                } else {
                    write(dir, "app/calc.py", &format!("{}{spare}", text.trim_end()));
                }
                true
            }
        };
        if done {
            return format!("step {step}: kind {kind}");
        }
    }
}

/// A run of the coverage check, selecting.
const ARGS: [&str; 7] = [
    "check", "--only", "coverage", "--tier", "standard", "--format", "json",
];

/// The reference: every test file, and no plug-in of rungs's (it needs the
/// cache), coverage.py's own report through pytest-cov.
const FULL: [&str; 9] = [
    "check",
    "--only",
    "coverage",
    "--tier",
    "standard",
    "--all-tests",
    "--no-cache",
    "--format",
    "json",
];

/// What a run says: outcome, failing tests, covered lines of statements.
#[derive(Debug, PartialEq)]
struct Verdict {
    outcome: String,
    failing: BTreeSet<String>,
    covered: u64,
    statements: u64,
    percent: String,
}

fn verdict(run: &Run) -> Verdict {
    let c = run.check("coverage");
    let failing = c["tests"]["cases"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|t| t["outcome"] != "passed" && t["outcome"] != "skipped")
        .map(|t| t["name"].as_str().unwrap_or_default().to_string())
        .collect();
    Verdict {
        outcome: c["outcome"].as_str().unwrap_or_default().to_string(),
        failing,
        covered: c["coverage"]["covered_lines"].as_u64().unwrap_or(0),
        statements: c["coverage"]["statements"].as_u64().unwrap_or(0),
        percent: c["coverage"]["percent"].to_string(),
    }
}

/// One walk of `steps` edits from `seed`; returns the steps that selected
/// fewer test files than there were, and the disagreements.
fn walk(seed: u64, steps: usize, branch: bool) -> (usize, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    project(dir, branch);
    let cache = tempfile::tempdir().unwrap();
    let env = [("RUNGS_CACHE_DIR", cache.path().to_str().unwrap())];
    let full_cache = tempfile::tempdir().unwrap();
    let full_env = [("RUNGS_CACHE_DIR", full_cache.path().to_str().unwrap())];
    let first = rungs_env(dir, &ARGS, &env);
    assert_eq!(
        verdict(&first).outcome,
        "passed",
        "{}{}",
        first.stdout,
        first.stderr
    );
    let mut rng = Rng(seed);
    let mut disagreements = Vec::new();
    let mut selective = 0;
    let ran = regex::Regex::new(r"^rungs: (\d+) of (\d+) test files run").unwrap();
    for step in 0..steps {
        let what = mutate(dir, &mut rng, step);
        let selected = rungs_env(dir, &ARGS, &env);
        // Its own cache: the tool's version is asked once, and a state
        // met before replays that state's full run.
        let full = rungs_env(dir, &FULL, &full_env);
        let (a, b) = (verdict(&selected), verdict(&full));
        let output = selected.check("coverage")["output"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let fewer = ran
            .captures(output.lines().next().unwrap_or_default())
            .is_some_and(|c| c[1].parse::<u32>().unwrap_or(0) < c[2].parse::<u32>().unwrap_or(0));
        if fewer {
            selective += 1;
        }
        if a != b {
            disagreements.push(format!(
                "seed {seed} {what}: selected {a:?}\nfull {b:?}\n{}",
                output.lines().next().unwrap_or_default()
            ));
        }
    }
    (selective, disagreements)
}

#[test]
fn selected_runs_agree_with_full_runs_over_a_random_walk_of_edits() {
    if !require(&["pytest", "coverage"]) {
        return;
    }
    // Two walks at once (the machine's cores), 200 edits in all: one with
    // line coverage, one with branch coverage.
    let walks: Vec<_> = [(0x5eed_0001, 100, false), (0x5eed_0002, 100, true)]
        .into_iter()
        .map(|(seed, steps, branch)| std::thread::spawn(move || walk(seed, steps, branch)))
        .collect();
    let mut selective = 0;
    let mut disagreements = Vec::new();
    for w in walks {
        let (s, d) = w.join().unwrap();
        selective += s;
        disagreements.extend(d);
    }
    assert!(
        disagreements.is_empty(),
        "{} disagreements:\n{}",
        disagreements.len(),
        disagreements.join("\n\n")
    );
    // Selection did select: many edits ran fewer test files than all.
    assert!(
        selective > 60,
        "only {selective} of 200 runs ran fewer test files than all"
    );
}

#[test]
fn all_tests_runs_everything_and_plan_says_what_a_run_would_select() {
    if !require(&["pytest", "coverage"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    project(dir, false);
    let cache = tempfile::tempdir().unwrap();
    let env = [("RUNGS_CACHE_DIR", cache.path().to_str().unwrap())];
    let first = rungs_env(dir, &ARGS, &env);
    let total = |run: &Run| {
        run.check("coverage")["tests"]["total"]
            .as_u64()
            .unwrap_or(0)
    };
    assert_eq!(total(&first), 10);
    let plan = rungs_env(dir, &["plan", "--tier", "standard"], &env);
    assert!(
        plan.stdout.contains("tests: 0 of 4 test files run"),
        "{}",
        plan.stdout
    );

    replace(dir, "app/calc.py", r"return x \* 3", "return x * 4", 0);
    let plan = rungs_env(dir, &["plan", "--tier", "standard"], &env);
    assert!(
        plan.stdout.contains("tests: 1 of 4 test files run, the rest's results and coverage are the record's: tests/test_calc.py (runs triple in app/calc.py)"),
        "{}",
        plan.stdout
    );
    let selected = rungs_env(dir, &ARGS, &env);
    assert_eq!(total(&selected), 3, "only test_calc.py's three tests ran");
    assert_eq!(
        verdict(&selected).failing,
        BTreeSet::from(["tests/test_calc.py::test_triple".to_string()])
    );

    // Every test file, though nothing changed since the selected run:
    // that run's result is not a full run's.
    let mut all = ARGS.to_vec();
    all.push("--all-tests");
    let everything = rungs_env(dir, &all, &env);
    assert_eq!(total(&everything), 10);
    let plan = rungs_env(
        dir,
        &["plan", "--tier", "standard"],
        &[("RUNGS_ALL_TESTS", "1"), env[0]],
    );
    assert!(
        plan.stdout
            .contains("tests: every test file runs: --all-tests asks for every one"),
        "{}",
        plan.stdout
    );
    // That run made the record anew.
    replace(dir, "data/prices.json", r#""pear": 4"#, "\"pear\": 5", 0);
    let plan = rungs_env(dir, &["plan", "--tier", "standard"], &env);
    assert!(
        plan.stdout.contains("tests: 2 of 4 test files run, the rest's results and coverage are the record's: tests/test_calc.py (failed last time), tests/test_page.py (reads data/prices.json)"),
        "{}",
        plan.stdout
    );

    // A file a test writes is no input of it.
    replace(dir, "app/calc.py", r"return x \* 4", "return x * 3", 0);
    let passing = rungs_env(dir, &ARGS, &env);
    assert_eq!(verdict(&passing).outcome, "passed", "{}", passing.stdout);
    write(dir, "stamp.txt", "edited by hand\n");
    let plan = rungs_env(dir, &["plan", "--tier", "standard"], &env);
    assert!(
        plan.stdout.contains("tests: 0 of 4 test files run"),
        "{}",
        plan.stdout
    );

    write(
        dir,
        "tests/conftest.py",
        "import pytest\n\n\n@pytest.fixture\ndef size():\n    return 3  # same\n",
    );
    let plan = rungs_env(dir, &["plan", "--tier", "standard"], &env);
    assert!(
        plan.stdout
            .contains("tests: every test file runs: tests/conftest.py changed"),
        "{}",
        plan.stdout
    );

    // Code that does not parse: every test file runs, and the verdict is the
    // full run's (pytest's collection error, no coverage report).
    write(dir, "app/shapes.py", "def broken(:\n");
    let selected = rungs_env(dir, &ARGS, &env);
    let full = rungs(dir, &all);
    assert_eq!(verdict(&selected), verdict(&full), "{}", selected.stdout);
    assert_eq!(verdict(&full).outcome, "failed");
}

#[test]
fn test_files_an_interrupted_run_never_ran_run_the_next_time() {
    if !require(&["pytest", "coverage"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    project(dir, false);
    let calc_tests = read(dir, "tests/test_calc.py");
    // A collection error stops pytest before any test runs.
    write(
        dir,
        "tests/test_calc.py",
        &format!("import not_a_module  # noqa\n{calc_tests}"),
    );
    let cache = tempfile::tempdir().unwrap();
    let env = [("RUNGS_CACHE_DIR", cache.path().to_str().unwrap())];
    let interrupted = rungs_env(dir, &ARGS, &env);
    // As a full run without rungs's plug-in says: the collection error,
    // and no coverage (pytest-cov reports none of a session stopped short).
    let reference = rungs_env(dir, &FULL, &env);
    assert_eq!(
        verdict(&interrupted).failing,
        BTreeSet::from(["tests/test_calc.py".to_string()]),
        "{}",
        interrupted.stdout
    );
    assert_eq!(verdict(&interrupted), verdict(&reference));
    // Meanwhile a function only test_shapes.py runs breaks; the import
    // is mended.
    replace(
        dir,
        "app/shapes.py",
        r"self.size \* self.size",
        "self.size + self.size",
        0,
    );
    write(dir, "tests/test_calc.py", &calc_tests);
    let next = rungs_env(dir, &ARGS, &env);
    let check = next.check("coverage");
    let line = check["output"].as_str().unwrap_or("").lines().next();
    assert!(
        line.unwrap_or("")
            .contains("tests/test_shapes.py (did not run last time)"),
        "{line:?}"
    );
    assert_eq!(check["tests"]["total"], 10, "every test ran");
    assert_eq!(
        verdict(&next).failing,
        BTreeSet::from(["tests/test_shapes.py::test_square_area".to_string()])
    );
}

#[test]
fn a_measured_file_that_is_not_python_is_left_out_of_the_report_as_pytest_cov_does() {
    if !require(&["pytest", "coverage"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    project(dir, false);
    // Code compiled under the name of a file that is not Python (a
    // template engine does this): coverage.py measures it, can't parse it.
    write(dir, "app/runner", "this is {not python\n");
    write(
        dir,
        "tests/test_runner.py",
        "import os\n\nimport app\n\n\ndef test_runner():\n    path = os.path.join(os.path.dirname(app.__file__), \"runner\")\n    ns = {\"__name__\": \"app.runner\", \"__file__\": path}\n    exec(compile(\"y = 2\\n\", path, \"exec\"), ns)\n    assert ns[\"y\"] == 2\n",
    );
    passes_then_selects_after_triple_is_edited(dir);
}

#[test]
fn a_project_that_labels_coverage_by_test_itself_still_selects() {
    if !require(&["pytest", "coverage"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    project(dir, true);
    // pytest-cov's own per-test contexts, for the project's HTML report.
    replace(
        dir,
        "pyproject.toml",
        r#"pythonpath = \["\."\]"#,
        "pythonpath = [\".\"]\naddopts = \"--cov-context=test\"",
        0,
    );
    passes_then_selects_after_triple_is_edited(dir);
}

/// A first, recording run: it passes, with a full run's verdict.
fn first_run_passes_as_a_full_run_does(dir: &Path, env: &[(&str, &str)]) -> Run {
    let first = rungs_env(dir, &ARGS, env);
    assert_eq!(verdict(&first).outcome, "passed", "{}", first.stdout);
    assert_eq!(verdict(&first), verdict(&rungs_env(dir, &FULL, env)));
    first
}

/// A first run passes, as a full run does; after `triple` is edited only
/// test_calc.py (its three tests) runs, and the verdict is a full run's.
fn passes_then_selects_after_triple_is_edited(dir: &Path) {
    let cache = tempfile::tempdir().unwrap();
    let env = [("RUNGS_CACHE_DIR", cache.path().to_str().unwrap())];
    first_run_passes_as_a_full_run_does(dir, &env);
    replace(dir, "app/calc.py", r"return x \* 3", "return x * 4", 0);
    let plan = rungs_env(dir, &["plan", "--tier", "standard"], &env);
    assert!(
        plan.stdout.contains("test files run, the rest's results and coverage are the record's: tests/test_calc.py (runs triple in app/calc.py)"),
        "{}",
        plan.stdout
    );
    let selected = rungs_env(dir, &ARGS, &env);
    assert_eq!(selected.check("coverage")["tests"]["total"], 3);
    assert_eq!(verdict(&selected), verdict(&rungs_env(dir, &FULL, &env)));
}

#[test]
fn a_project_testing_its_installed_copy_is_joined_by_coverage_paths() {
    if !require(&["pytest", "coverage"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    project(dir, true);
    // The tests import the package from site-packages, and coverage.py's
    // `[paths]` maps what ran there to the project's own files (pluggy's
    // set-up: pytest itself runs the installed pluggy).
    let site = tempfile::tempdir().unwrap();
    let installed = site.path().join("lib/python3/site-packages");
    for f in ["__init__.py", "settings.py", "calc.py", "shapes.py"] {
        write(
            &installed,
            &format!("app/{f}"),
            &read(dir, &format!("app/{f}")),
        );
    }
    // (page.py reads files beside the project's copy.)
    std::fs::remove_file(dir.join("tests/test_page.py")).unwrap();
    write(
        dir,
        "pyproject.toml",
        &format!(
            "[project]\nname = \"walk\"\nversion = \"0\"\n\n[tool.pytest.ini_options]\npythonpath = [{:?}]\n\n[tool.coverage.run]\nsource_pkgs = [\"app\"]\nbranch = true\n\n[tool.coverage.paths]\nsource = [\"app/\", \"*/site-packages/app/\"]\n",
            installed.display().to_string()
        ),
    );
    let cache = tempfile::tempdir().unwrap();
    let env = [("RUNGS_CACHE_DIR", cache.path().to_str().unwrap())];
    let first = first_run_passes_as_a_full_run_does(dir, &env);
    // test_calc.py no longer runs triple: a full run's coverage drops.
    replace(
        dir,
        "tests/test_calc.py",
        r"assert triple\(2\) == 6",
        "assert True",
        0,
    );
    let selected = rungs_env(dir, &ARGS, &env);
    assert_eq!(selected.check("coverage")["tests"]["total"], 3);
    let full = rungs_env(dir, &FULL, &env);
    assert!(verdict(&full).covered < verdict(&first).covered);
    assert_eq!(verdict(&selected), verdict(&full));
}

#[test]
fn what_a_subprocess_ran_belongs_to_no_one_test_file() {
    if !require(&["pytest", "coverage"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    project(dir, true);
    // coverage.py measures the subprocesses too; one test file runs
    // `triple` in one, another in its own process.
    replace(
        dir,
        "pyproject.toml",
        "branch = true",
        "branch = true\npatch = [\"subprocess\"]",
        0,
    );
    write(
        dir,
        "tests/test_cli.py",
        "import subprocess\nimport sys\n\n\ndef test_cli():\n    code = \"import sys; sys.path.insert(0, '.'); from app.calc import triple; assert triple(2) == 6\"\n    subprocess.run([sys.executable, \"-c\", code], check=True)\n",
    );
    let cache = tempfile::tempdir().unwrap();
    let env = [("RUNGS_CACHE_DIR", cache.path().to_str().unwrap())];
    first_run_passes_as_a_full_run_does(dir, &env);
    replace(dir, "app/calc.py", r"return x \* 3", "return x * 4", 0);
    let selected = rungs_env(dir, &ARGS, &env);
    let full = rungs_env(dir, &FULL, &env);
    assert!(
        verdict(&full)
            .failing
            .contains("tests/test_cli.py::test_cli"),
        "{}",
        full.stdout
    );
    assert_eq!(verdict(&selected), verdict(&full), "{}", selected.stdout);
}

#[test]
fn a_run_that_times_out_as_pytest_exits_leaves_no_record() {
    if !require(&["pytest", "coverage"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    project(dir, false);
    // Every test passes, then pytest can't exit: a thread a test left.
    write(
        dir,
        "tests/test_thread.py",
        "import threading\nimport time\n\n\ndef test_leaves_a_thread():\n    threading.Thread(target=time.sleep, args=(30,)).start()\n",
    );
    write(dir, "rungs.toml", "[checks.coverage]\ntimeout = 4\n");
    let cache = tempfile::tempdir().unwrap();
    let env = [("RUNGS_CACHE_DIR", cache.path().to_str().unwrap())];
    let hung = rungs_env(dir, &ARGS, &env);
    assert_ne!(verdict(&hung).outcome, "passed", "{}", hung.stdout);
    // The timed-out run's results are no record: the next run runs all.
    let plan = rungs_env(dir, &["plan", "--tier", "standard"], &env);
    assert!(
        plan.stdout
            .contains("tests: every test file runs: no record of an earlier run"),
        "{}",
        plan.stdout
    );
}
