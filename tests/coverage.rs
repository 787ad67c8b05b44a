//! Coverage gates with the real pytest + coverage.py: the three report formats
//! read alike, the TOTAL line GitLab's regex reads, diff coverage per changed
//! line, "no coverable line changed", and the ratchet.

mod common;
use common::*;

/// A diff-coverage run against `main`, as JSON.
const DIFF_COVERAGE: &[&str] = &[
    "check",
    "--changed",
    "main",
    "--only",
    "coverage",
    "--tier",
    "standard",
    "--format",
    "json",
];

/// A fixture as a git repository with one commit on `main`.
fn repository(name: &str) -> tempfile::TempDir {
    let dir = fixture(name);
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "fixture"]);
    dir
}

fn gate<'a>(json: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    json["gates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["gate"] == name)
        .unwrap_or_else(|| panic!("no {name} gate in {json}"))
}

const UNTESTED: &str = "\n\ndef double(value):\n    return value * 2\n";

#[test]
fn diff_coverage_lists_every_uncovered_changed_line() {
    if !require(&["pytest"]) {
        return;
    }
    let dir = repository("django-clean");
    let root = dir.path();
    let pricing = std::fs::read_to_string(root.join("catalog/pricing.py")).unwrap();
    let lines = pricing.lines().count();
    write(root, "catalog/pricing.py", &format!("{pricing}{UNTESTED}"));
    let run = rungs(root, DIFF_COVERAGE);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let json = run.json();
    let diff = gate(&json, "diff-coverage");
    assert_eq!(diff["verdict"], "failed");
    // `def` runs on import; its body never does.
    let body = format!("catalog/pricing.py:{}", lines + 4);
    assert_eq!(diff["uncovered"], serde_json::json!([body]));
    assert_eq!(
        diff["message"],
        "1 of 2 changed coverable lines covered (50.00%)"
    );
    let coverage = run.check("coverage");
    assert_eq!(coverage["outcome"], "failed");
    assert!(findings(&coverage).contains(&format!("{body} diff-coverage")));

    let text = rungs(
        root,
        &[
            "check",
            "--changed",
            "main",
            "--only",
            "coverage",
            "--tier",
            "standard",
        ],
    );
    assert!(
        text.stdout
            .contains("diff-coverage: failed — 1 of 2 changed coverable lines covered"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains(&format!("    {body} not covered")),
        "{}",
        text.stdout
    );

    // A floor below 100 % lets the share pass; the line is still listed.
    let pyproject = std::fs::read_to_string(root.join("pyproject.toml")).unwrap();
    write(
        root,
        "pyproject.toml",
        &format!("{pyproject}\n[tool.rungs.coverage]\ndiff-floor = 50\n"),
    );
    let lenient = rungs(root, DIFF_COVERAGE);
    assert_eq!(lenient.code, 0, "{}", lenient.stdout);
    let diff = gate(&lenient.json(), "diff-coverage").clone();
    assert_eq!(diff["verdict"], "passed");
    assert_eq!(diff["uncovered"], serde_json::json!([body]));
}

#[test]
fn no_coverable_line_changed_is_its_own_verdict() {
    if !require(&["pytest"]) {
        return;
    }
    let dir = repository("django-clean");
    let root = dir.path();
    let pricing = std::fs::read_to_string(root.join("catalog/pricing.py")).unwrap();
    write(
        root,
        "catalog/pricing.py",
        &format!("# Prices in euros.\n{pricing}"),
    );
    let run = rungs(root, DIFF_COVERAGE);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let diff = gate(&run.json(), "diff-coverage").clone();
    assert_eq!(diff["verdict"], "no-coverable-changes");
    assert_eq!(diff["message"], "no coverable line changed since main");
    let text = rungs(
        root,
        &[
            "check",
            "--changed",
            "main",
            "--only",
            "coverage",
            "--tier",
            "standard",
        ],
    );
    assert!(
        text.stdout
            .contains("diff-coverage: no coverable line changed"),
        "{}",
        text.stdout
    );
}

#[test]
fn the_ratchet_fails_a_drop_below_the_default_branch() {
    if !require(&["pytest"]) {
        return;
    }
    let dir = repository("django-clean");
    let root = dir.path();
    let cache = tempfile::tempdir().unwrap();
    let cache = cache.path().to_str().unwrap();
    let pyproject = std::fs::read_to_string(root.join("pyproject.toml")).unwrap();
    write(
        root,
        "pyproject.toml",
        &format!("{pyproject}\n[tool.rungs.coverage]\nratchet = true\n"),
    );
    git(root, &["commit", "-q", "-am", "ratchet"]);
    let args = [
        "check", "--only", "coverage", "--tier", "standard", "--format", "json",
    ];
    let env = [("RUNGS_CACHE_DIR", cache)];

    // On main: nothing recorded yet, so this run records its total.
    let first = rungs_env(root, &args, &env);
    assert_eq!(first.code, 0, "{}\n{}", first.stdout, first.stderr);
    let ratchet = gate(&first.json(), "coverage-ratchet").clone();
    assert_eq!(ratchet["verdict"], "nothing-recorded");
    assert!(
        ratchet["message"]
            .as_str()
            .unwrap()
            .ends_with("recorded 100.00% for main"),
        "{ratchet}"
    );

    // On a branch, untested code drops the total by more than the tolerance.
    git(root, &["checkout", "-q", "-b", "feature"]);
    let pricing = std::fs::read_to_string(root.join("catalog/pricing.py")).unwrap();
    write(root, "catalog/pricing.py", &format!("{pricing}{UNTESTED}"));
    let dropped = rungs_env(root, &args, &env);
    assert_eq!(dropped.code, 1, "{}", dropped.stdout);
    let json = dropped.json();
    let ratchet = gate(&json, "coverage-ratchet");
    assert_eq!(ratchet["verdict"], "failed");
    assert_eq!(
        ratchet["message"],
        "total coverage 98.85% is 1.15 points below the 100.00% recorded on main (tolerance 0.1)"
    );
    assert!(findings(&dropped.check("coverage")).contains(&"- coverage-ratchet".to_string()));

    // A tolerance wider than the drop lets it pass; the branch records nothing.
    write(
        root,
        "pyproject.toml",
        &format!("{pyproject}\n[tool.rungs.coverage]\nratchet = true\nratchet-tolerance = 2\n"),
    );
    let tolerated = rungs_env(root, &args, &env);
    assert_eq!(tolerated.code, 0, "{}", tolerated.stdout);
    let ratchet = gate(&tolerated.json(), "coverage-ratchet").clone();
    assert_eq!(ratchet["verdict"], "passed");
    assert!(
        !ratchet["message"].as_str().unwrap().contains("recorded 98"),
        "{ratchet}"
    );
}

#[test]
fn lcov_and_cobertura_read_like_coverage_json_and_total_is_gitlab_readable() {
    if !require(&["pytest"]) {
        return;
    }
    let mut totals = Vec::new();
    // The regex for GitLab's `coverage:` keyword that the README gives.
    let gitlab = regex::Regex::new(r"(?m)^TOTAL(?:\s+\d+)+\s+(\d+\.\d+)%").unwrap();
    for report in [
        "json:{out}/coverage.json",
        "xml:{out}/coverage.xml",
        "lcov:{out}/lcov.info",
    ] {
        let dir = fixture("django-dirty");
        let pyproject = std::fs::read_to_string(dir.path().join("pyproject.toml")).unwrap();
        write(
            dir.path(),
            "pyproject.toml",
            &format!(
                "{pyproject}\n[tool.rungs.checks.coverage]\ncommand = [\"pytest\", \"-q\", \"-p\", \"no:cacheprovider\", \"--junitxml={{out}}/junit.xml\", \"-o\", \"junit_family=xunit1\", \"--cov\", \"--cov-report={report}\", \"--cov-report=\"]\n"
            ),
        );
        let run = rungs(
            dir.path(),
            &[
                "check", "--only", "coverage", "--tier", "standard", "--format", "json",
            ],
        );
        let coverage = run.check("coverage")["coverage"].clone();
        let reports = coverage["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == "catalog/reports.py")
            .unwrap_or_else(|| panic!("{report}: {coverage}"))
            .clone();
        assert_eq!(reports["covered"], serde_json::json!([]), "{report}");
        totals.push((
            coverage["statements"].clone(),
            coverage["covered_lines"].clone(),
            reports["missed"].clone(),
        ));

        let text = rungs(
            dir.path(),
            &["check", "--only", "coverage", "--tier", "standard"],
        );
        let percent = &gitlab.captures(&text.stdout).expect("a TOTAL line")[1];
        assert_eq!(percent, "67.02", "{report}");
    }
    assert_eq!(totals[0], totals[1]);
    assert_eq!(totals[0], totals[2]);
    assert_eq!(totals[0].0, 94);
}

/// Each file's lines and their hits, from a Cobertura report.
fn cobertura_lines(xml: &str) -> std::collections::BTreeMap<String, Vec<(u32, bool)>> {
    let class = regex::Regex::new(r#"<class [^>]*filename="([^"]+)""#).unwrap();
    let line = regex::Regex::new(r#"<line number="(\d+)" hits="(\d+)""#).unwrap();
    let mut out = std::collections::BTreeMap::new();
    let starts: Vec<(usize, String)> = class
        .captures_iter(xml)
        .map(|c| (c.get(0).unwrap().start(), c[1].to_string()))
        .collect();
    for (i, (start, file)) in starts.iter().enumerate() {
        let end = starts.get(i + 1).map_or(xml.len(), |s| s.0);
        let lines: &mut Vec<(u32, bool)> = out.entry(file.clone()).or_default();
        for c in line.captures_iter(&xml[*start..end]) {
            lines.push((c[1].parse().unwrap(), &c[2] != "0"));
        }
        lines.sort();
        lines.dedup();
    }
    out
}

#[test]
fn cobertura_and_total_match_coverage_pys_own_reports_from_one_report_asked() {
    if !require(&["pytest", "coverage"]) {
        return;
    }
    let dir = fixture("django-dirty");
    let out = tempfile::tempdir().unwrap();
    let ours = out.path().join("ours.xml");
    let run = rungs(
        dir.path(),
        &[
            "check",
            "--only",
            "coverage",
            "--tier",
            "standard",
            "--cobertura",
            ours.to_str().unwrap(),
        ],
    );
    let total = regex::Regex::new(r"(?m)^TOTAL\s+(\d+)\s+(\d+)\s+(\d+\.\d+)%").unwrap();
    let mine = total.captures(&run.stdout).expect("a TOTAL line");
    // coverage.py itself, on the same tests: its XML and its own table.
    let theirs = out.path().join("theirs.xml");
    let pytest = std::process::Command::new("pytest")
        .args(["-q", "-p", "no:cacheprovider", "--cov"])
        .arg(format!("--cov-report=xml:{}", theirs.display()))
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        theirs.is_file(),
        "{}",
        String::from_utf8_lossy(&pytest.stdout)
    );
    let report = std::process::Command::new("coverage")
        .args(["report", "--precision=2"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let table = String::from_utf8_lossy(&report.stdout).into_owned();
    let their_total = total.captures(&table).unwrap_or_else(|| panic!("{table}"));
    assert_eq!(
        (&mine[1], &mine[2], &mine[3]),
        (&their_total[1], &their_total[2], &their_total[3]),
        "{}\n{table}",
        run.stdout
    );
    let (a, b) = (
        cobertura_lines(&std::fs::read_to_string(&ours).unwrap()),
        cobertura_lines(&std::fs::read_to_string(&theirs).unwrap()),
    );
    assert!(!a.is_empty());
    assert_eq!(a, b, "the same lines, hit or not, in every file");
}

#[test]
fn rungs_never_measures_its_own_files_where_the_project_names_no_source() {
    if !require(&["pytest"]) {
        return;
    }
    // Coverage configured (branches), but no `source`: coverage.py measures
    // every file that runs outside the installed packages.
    let dir = calc_project(
        "[tool.coverage.run]\nbranch = true\n",
        &[
            (
                "calc/core.py",
                "def add(a, b):\n    return a + b\n\n\ndef sign(a):\n    if a < 0:\n        return -1\n    return 1\n",
            ),
            (
                "tests/test_core.py",
                "from calc.core import add, sign\n\n\ndef test_add():\n    assert add(1, 2) == 3\n    assert sign(2) == 1\n",
            ),
        ],
    );
    let root = dir.path();
    let run = rungs(
        root,
        &[
            "check", "--only", "coverage", "--tier", "standard", "--format", "json",
        ],
    );
    let coverage = run.check("coverage")["coverage"].clone();
    let paths: Vec<&str> = coverage["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "calc/__init__.py",
            "calc/core.py",
            "tests/__init__.py",
            "tests/test_core.py"
        ],
        "{}",
        run.stdout
    );
    // The project's own command says the same total.
    let report = root.join("own.json");
    let own = std::process::Command::new("pytest")
        .args(["-q", "-p", "no:cacheprovider", "--cov"])
        .arg(format!("--cov-report=json:{}", report.display()))
        .current_dir(root)
        .output()
        .unwrap();
    assert!(own.status.success(), "{own:?}");
    let own: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let expected = own["totals"]["percent_covered"].as_f64().unwrap();
    let got = coverage["percent"].as_f64().unwrap();
    assert!(
        (got - expected).abs() < 0.005,
        "rungs {got}% vs pytest --cov {expected}%"
    );
}

#[test]
fn a_projects_own_pytest_without_pytest_cov_gets_it_beside_never_inside() {
    if !require(&["pytest"]) {
        return;
    }
    let wheels = repo().join(".tools/wheels");
    let dir = calc_project(
        "",
        &[
            ("calc/core.py", "def add(a, b):\n    return a + b\n"),
            (
                "tests/test_core.py",
                "from calc.core import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n",
            ),
        ],
    );
    let root = dir.path();
    // The team's environment: pytest, no pytest-cov (tabulate's tox deps).
    let venv = std::process::Command::new("python3")
        .args(["-m", "venv", ".venv"])
        .current_dir(root)
        .status()
        .unwrap();
    assert!(venv.success());
    let pip = std::process::Command::new(root.join(".venv/bin/python"))
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-index",
            "--find-links",
        ])
        .arg(&wheels)
        .arg("pytest==9.2.0")
        .status()
        .unwrap();
    assert!(pip.success());
    let wheels = wheels.to_str().unwrap();
    let run = rungs_env(
        root,
        &[
            "check", "--only", "coverage", "--tier", "standard", "--format", "json",
        ],
        &[("PIP_NO_INDEX", "1"), ("PIP_FIND_LINKS", wheels)],
    );
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let coverage = run.check("coverage");
    assert_eq!(coverage["tests"]["total"], 1, "{coverage:#}");
    assert_eq!(coverage["coverage"]["percent"], 100.0, "{coverage:#}");
    assert!(
        run.stderr
            .contains("the project's environment lacks pytest-cov==7.1.0 coverage==7.17.4"),
        "{}",
        run.stderr
    );
    let site = std::fs::read_dir(root.join(".venv/lib"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path()
        .join("site-packages");
    assert!(
        !site.join("pytest_cov").exists(),
        "the project's .venv was changed"
    );
}

#[test]
fn the_projects_own_fail_under_is_the_floor_and_says_so_on_the_checks_line() {
    if !require(&["pytest"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let pyproject = |fail_under: u32| {
        format!(
            "[project]\nname = \"calc\"\nversion = \"0.1.0\"\n[tool.coverage.run]\nsource = [\"calc\"]\n[tool.coverage.report]\nfail_under = {fail_under}\n"
        )
    };
    write(root, "pyproject.toml", &pyproject(100));
    write(root, "calc/__init__.py", "");
    write(
        root,
        "calc/core.py",
        "def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n",
    );
    write(root, "tests/__init__.py", "");
    write(
        root,
        "tests/test_core.py",
        "from calc.core import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n",
    );
    let args = [
        "check", "--only", "coverage", "--tier", "standard", "--format", "json",
    ];
    // 75 % under the project's 100: a finding that says so, not a bare failure.
    let red = rungs(root, &args);
    assert_eq!(red.code, 1, "{}", red.stdout);
    assert_eq!(
        findings(&red.check("coverage")),
        ["- coverage-floor"],
        "{}",
        red.stdout
    );
    assert_eq!(red.check("coverage")["coverage"]["floor"], 100.0);
    let plan = rungs(root, &["plan", "--tier", "standard"]);
    assert!(
        plan.stdout.contains(
            "floor 100% from the project's pyproject.toml [tool.coverage.report] fail_under"
        ),
        "{}",
        plan.stdout
    );
    // Its 70 is the floor, not the tier's 80.
    write(root, "pyproject.toml", &pyproject(70));
    let green = rungs(root, &args);
    assert_eq!(green.code, 0, "{}", green.stdout);
    assert_eq!(green.check("coverage")["coverage"]["floor"], 70.0);
}

#[test]
fn the_total_line_has_branch_columns_that_add_up_as_coverage_reports_do() {
    if !require(&["pytest", "coverage"]) {
        return;
    }
    let dir = calc_project(
        "[tool.coverage.run]\nsource = [\"calc\"]\nbranch = true\n",
        &[
            (
                "calc/core.py",
                "def sign(a):\n    if a < 0:\n        return -1\n    if a == 0:\n        return 0\n    return 1\n\n\ndef never(a):\n    if a:\n        return 1\n    return 2\n",
            ),
            (
                "tests/test_core.py",
                "from calc.core import sign\n\n\ndef test_sign():\n    assert sign(3) == 1\n",
            ),
        ],
    );
    let root = dir.path();
    let run = rungs(root, &["check", "--only", "coverage", "--tier", "standard"]);
    let line = |text: &str| -> Vec<String> {
        text.lines()
            .find(|l| l.starts_with("TOTAL"))
            .unwrap_or_else(|| panic!("no TOTAL line:\n{text}"))
            .split_whitespace()
            .take(6)
            .map(str::to_string)
            .collect()
    };
    let mine = line(&run.stdout);
    let pytest = std::process::Command::new("pytest")
        .args(["-q", "-p", "no:cacheprovider", "--cov", "--cov-report="])
        .current_dir(root)
        .output()
        .unwrap();
    assert!(pytest.status.success(), "{pytest:?}");
    let report = std::process::Command::new("coverage")
        .args(["report", "--precision=2"])
        .current_dir(root)
        .output()
        .unwrap();
    let theirs = line(&String::from_utf8_lossy(&report.stdout));
    assert_eq!(mine, theirs, "{}", run.stdout);
    let gitlab = regex::Regex::new(r"(?m)^TOTAL(?:\s+\d+)+\s+(\d+\.\d+)%").unwrap();
    assert_eq!(
        &gitlab.captures(&run.stdout).expect("GitLab reads it")[1],
        theirs[5].trim_end_matches('%')
    );
}
