//! `rungs bump` end to end, offline: a local index on 127.0.0.1 serves real
//! wheels built by the test; the project's own tests decide which bumps land.

mod common;
use common::registry::{LocalRegistry, build_wheel, write_pypi_project};
use common::*;
use std::path::Path;

/// A local index serving each (package, versions).
fn index(packages: &[(&str, &[&str])]) -> (tempfile::TempDir, LocalRegistry) {
    let root = tempfile::tempdir().unwrap();
    let wheels = root.path().join("build");
    std::fs::create_dir_all(&wheels).unwrap();
    for (name, versions) in packages {
        let files: Vec<std::path::PathBuf> = versions
            .iter()
            .map(|v| build_wheel(&wheels, name, v))
            .collect();
        let refs: Vec<&Path> = files.iter().map(|p| p.as_path()).collect();
        write_pypi_project(root.path(), name, &refs);
    }
    let server = LocalRegistry::start(root.path());
    (root, server)
}

/// A Python project pinned to `requirements`, whose tests are `tests`, in a
/// git repository; its dependencies install into `.deps` (on pytest's path).
fn project(requirements: &str, tests: &str, bump: &str) -> tempfile::TempDir {
    project_in("", requirements, tests, bump)
}

/// `project`, in folder `sub` of the repository.
fn project_in(sub: &str, requirements: &str, tests: &str, bump: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = &dir.path().join(sub);
    write(
        p,
        "pyproject.toml",
        "[project]\nname = \"app\"\nversion = \"0\"\nrequires-python = \">=3.8\"\n\n[tool.pytest.ini_options]\npythonpath = [\".deps\"]\n",
    );
    write(p, "requirements.txt", requirements);
    write(p, "tests/test_app.py", tests);
    write(p, ".gitignore", ".deps/\n__pycache__/\n");
    write(
        p,
        "rungs.toml",
        &format!(
            "stacks = [\"python\"]\ntier = \"basic\"\n\n[checks.ruff-format]\nenabled = false\n[checks.ruff-imports]\nenabled = false\n[checks.ruff]\nenabled = false\n\n[bump]\ninstall = [\"python3\", \"-m\", \"pip\", \"install\", \"--quiet\", \"--disable-pip-version-check\", \"--upgrade\", \"--target\", \".deps\", \"-r\", \"requirements.txt\"]\n{bump}"
        ),
    );
    write(dir.path(), "README.md", "# a repository\n");
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "start"]);
    dir
}

/// The branch `rungs bump` made, or "" when it made none.
fn bump_branch(repo: &Path) -> String {
    git(
        repo,
        &[
            "branch",
            "--list",
            "rungs/bump-*",
            "--format=%(refname:short)",
        ],
    )
    .trim()
    .to_string()
}

/// The subjects of the commits on `branch`, oldest first, one a line.
fn bump_subjects(repo: &Path, branch: &str) -> String {
    git(
        repo,
        &[
            "log",
            "--reverse",
            "--format=%s",
            &format!("main..{branch}"),
        ],
    )
}

fn bump(dir: &Path, server: &LocalRegistry, args: &[&str]) -> Run {
    let url = format!("{}/simple/", server.url());
    let mut all = vec!["bump", "--json", "report.json", "--markdown", "report.md"];
    all.extend_from_slice(args);
    rungs_env(
        dir,
        &all,
        &[
            ("PIP_INDEX_URL", url.as_str()),
            ("PIP_FIND_LINKS", ""),
            ("PIP_NO_INDEX", ""),
        ],
    )
}

#[test]
fn a_breaking_major_is_left_out_and_the_minor_below_it_is_committed() {
    if !require(&["pytest", "git"]) {
        return;
    }
    let (_root, server) = index(&[("tinypkg", &["1.0", "1.1", "2.0"])]);
    let tests = "import tinypkg\n\n\ndef test_still_on_one():\n    assert tinypkg.VERSION.startswith(\"1.\")\n";
    let dir = project("tinypkg==1.0\n", tests, "allow = \"major\"\n");
    let head = git(dir.path(), &["rev-parse", "HEAD"]);
    let run = bump(dir.path(), &server, &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    // The user's branch and files are as they were.
    assert_eq!(git(dir.path(), &["rev-parse", "HEAD"]), head);
    assert_eq!(git(dir.path(), &["branch", "--show-current"]), "main\n");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("requirements.txt")).unwrap(),
        "tinypkg==1.0\n"
    );
    // One commit on the bump branch, moving to 1.1.
    let branch = bump_branch(dir.path());
    let branch = branch.as_str();
    assert!(
        branch.starts_with("rungs/bump-"),
        "no bump branch: {}\n{}",
        run.stdout,
        run.stderr
    );
    assert_eq!(
        git(
            dir.path(),
            &["log", "--format=%s", &format!("main..{branch}")]
        ),
        "deps: bump tinypkg 1.0 -> 1.1 (minor)\n"
    );
    assert_eq!(
        git(dir.path(), &["show", &format!("{branch}:requirements.txt")]),
        "tinypkg==1.1\n"
    );
    // The report names the failing test of 2.0.
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("report.json")).unwrap())
            .unwrap();
    let bumps = report["bumps"].as_array().unwrap();
    let failed = bumps
        .iter()
        .find(|b| b["candidate"]["to"] == "2.0")
        .expect("2.0 reported");
    assert_eq!(failed["outcome"]["result"], "failed");
    assert_eq!(failed["outcome"]["check"], "pytest");
    assert!(
        failed["outcome"]["tail"]
            .as_str()
            .unwrap()
            .contains("tests/test_app.py::test_still_on_one"),
        "{failed}"
    );
    let markdown = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    assert!(
        markdown.contains("| tinypkg | `requirements.txt` `==1.0` | 1.0 | 1.1 | minor |"),
        "{markdown}"
    );
    assert!(markdown.contains("❌ breaks `pytest`"), "{markdown}");
}

#[test]
fn bisection_commits_exactly_the_bumps_that_pass() {
    if !require(&["pytest", "git"]) {
        return;
    }
    let (_root, server) = index(&[
        ("alpha", &["1.0", "1.1"]),
        ("beta", &["1.0", "1.1"]),
        ("gamma", &["1.0", "1.1"]),
    ]);
    let tests = "import alpha, beta, gamma\n\n\ndef test_gamma_stays():\n    assert gamma.VERSION == \"1.0\"\n";
    let dir = project("alpha==1.0\nbeta==1.0\ngamma==1.0\n", tests, "");
    let run = bump(dir.path(), &server, &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let branch = bump_branch(dir.path());
    let log = bump_subjects(dir.path(), &branch);
    assert_eq!(
        log,
        "deps: bump alpha 1.0 -> 1.1 (minor)\ndeps: bump beta 1.0 -> 1.1 (minor)\n"
    );
    assert_eq!(
        git(
            dir.path(),
            &["show", &format!("{}:requirements.txt", branch.trim())]
        ),
        "alpha==1.1\nbeta==1.1\ngamma==1.0\n"
    );
}

#[test]
fn dry_run_lists_what_would_move_and_changes_nothing() {
    if !require(&["git"]) {
        return;
    }
    let (_root, server) = index(&[("tinypkg", &["1.0", "1.0.1", "1.1", "2.0"])]);
    let dir = project(
        "tinypkg==1.0\n",
        "def test_ok():\n    pass\n",
        "allow = \"patch\"\n",
    );
    let run = bump(dir.path(), &server, &["--dry-run"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("| tinypkg | `requirements.txt` `==1.0` | 1.0 | 1.0.1 | patch |"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("would bump"), "{}", run.stdout);
    assert!(git(dir.path(), &["branch", "--list", "rungs/bump-*"]).is_empty());
}

#[test]
fn a_dirty_working_tree_is_refused_and_left_alone() {
    let (_root, server) = index(&[("tinypkg", &["1.0", "1.1"])]);
    let dir = project("tinypkg==1.0\n", "def test_ok():\n    pass\n", "");
    write(
        dir.path(),
        "requirements.txt",
        "tinypkg==1.0\n# my unfinished edit\n",
    );
    let run = bump(dir.path(), &server, &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("the working tree has uncommitted changes"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("M requirements.txt"), "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("requirements.txt")).unwrap(),
        "tinypkg==1.0\n# my unfinished edit\n"
    );
}

#[test]
fn a_failing_baseline_stops_before_any_bump() {
    if !require(&["pytest", "git"]) {
        return;
    }
    let (_root, server) = index(&[("tinypkg", &["1.0", "1.1"])]);
    let dir = project(
        "tinypkg==1.0\n",
        "def test_broken():\n    assert False\n",
        "",
    );
    let run = bump(dir.path(), &server, &[]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .contains("The project's checks fail before any bump"),
        "{}",
        run.stdout
    );
    assert!(
        git(dir.path(), &["branch", "--list", "rungs/bump-*"]).is_empty(),
        "no branch is left behind"
    );
}

#[test]
fn a_registry_answering_junk_is_a_per_dependency_error() {
    if !require(&["git"]) {
        return;
    }
    let (root, server) = index(&[("tinypkg", &["1.0", "1.1"])]);
    std::fs::write(
        root.path().join("simple/tinypkg/index.json"),
        "<html>not json</html>",
    )
    .unwrap();
    let dir = project(
        "tinypkg==1.0\nmissingpkg==1.0\n",
        "def test_ok():\n    pass\n",
        "",
    );
    let run = bump(dir.path(), &server, &["--dry-run"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("### Not checked"), "{}", run.stdout);
    assert!(
        run.stdout.contains("`tinypkg` (requirements.txt)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("`missingpkg` (requirements.txt)"),
        "{}",
        run.stdout
    );
}

#[test]
fn push_sends_the_branch_with_gitlab_merge_request_options() {
    if !require(&["pytest", "git"]) {
        return;
    }
    let (_root, server) = index(&[("tinypkg", &["1.0", "1.1"])]);
    let dir = project(
        "tinypkg==1.0\n",
        "import tinypkg\n\n\ndef test_ok():\n    assert tinypkg.VERSION\n",
        "",
    );
    // A bare remote that accepts push options and records them, as GitLab reads them.
    let remote = tempfile::tempdir().unwrap();
    git(remote.path(), &["init", "-q", "--bare"]);
    git(
        remote.path(),
        &["config", "receive.advertisePushOptions", "true"],
    );
    let log = remote.path().join("options.log");
    executable(
        remote.path(),
        "hooks/pre-receive",
        &format!(
            "#!/bin/sh\ni=0\nwhile [ $i -lt \"${{GIT_PUSH_OPTION_COUNT:-0}}\" ]; do eval \"echo \\$GIT_PUSH_OPTION_$i\" >> {}; i=$((i+1)); done\n",
            log.display()
        ),
    );
    git(
        dir.path(),
        &["remote", "add", "origin", remote.path().to_str().unwrap()],
    );
    let run = bump(dir.path(), &server, &["--push"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let branches = git(remote.path(), &["branch", "--list", "rungs/bump-*"]);
    assert!(
        branches.contains("rungs/bump-"),
        "the branch was pushed: {branches}"
    );
    let options = std::fs::read_to_string(&log).unwrap();
    assert!(options.contains("merge_request.create\n"), "{options}");
    assert!(options.contains("merge_request.target=main\n"), "{options}");
    assert!(
        options.contains("merge_request.title=deps: dependency bumps "),
        "{options}"
    );
    assert!(
        options.contains("merge_request.description=## Dependency bumps<br>"),
        "{options}"
    );
}

#[test]
fn a_project_in_a_subfolder_of_the_repository_is_bumped_in_place() {
    if !require(&["pytest", "git"]) {
        return;
    }
    let (_root, server) = index(&[("tinypkg", &["1.0", "1.1"])]);
    let tests = "import tinypkg\n\n\ndef test_imports():\n    assert tinypkg.VERSION\n";
    let dir = project_in("services/api", "tinypkg==1.0\n", tests, "");
    let api = dir.path().join("services/api");
    let run = bump(&api, &server, &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let branch = bump_branch(dir.path());
    let branch = branch.as_str();
    assert!(branch.starts_with("rungs/bump-"), "{}", run.stdout);
    let changed = git(
        dir.path(),
        &["diff", "--name-only", &format!("main..{branch}")],
    );
    assert_eq!(changed, "services/api/requirements.txt\n");
    assert_eq!(
        git(
            dir.path(),
            &["show", &format!("{branch}:services/api/requirements.txt")]
        ),
        "tinypkg==1.1\n"
    );
}

#[test]
fn a_dependency_in_two_manifests_is_one_row_and_one_commit_each_in_its_style() {
    if !require(&["pytest", "git"]) {
        return;
    }
    let (_root, server) = index(&[("tinypkg", &["1.0", "1.1"])]);
    let dir = project("tinypkg==1.0\n", "def test_ok():\n    pass\n", "");
    let pyproject = std::fs::read_to_string(dir.path().join("pyproject.toml")).unwrap();
    let pyproject = pyproject.replace(
        "requires-python = \">=3.8\"\n",
        "requires-python = \">=3.8\"\ndependencies = [\n    \"tinypkg>=1.0,<2\",  # a range here\n]\n",
    );
    write(dir.path(), "pyproject.toml", &pyproject);
    git(dir.path(), &["commit", "-qam", "a range in pyproject"]);

    let dry = bump(dir.path(), &server, &["--dry-run"]);
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    let rows: Vec<&str> = dry
        .stdout
        .lines()
        .filter(|l| l.starts_with("| tinypkg"))
        .collect();
    assert_eq!(rows.len(), 1, "{}", dry.stdout);
    assert!(
        rows[0].starts_with(
            "| tinypkg | `pyproject.toml` `>=1.0,<2`<br>`requirements.txt` `==1.0` | 1.0 | 1.1 | minor |"
        ) && rows[0].contains("would bump"),
        "{}",
        dry.stdout
    );

    let run = bump(dir.path(), &server, &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let branch = bump_branch(dir.path());
    let log = git(
        dir.path(),
        &["log", "--format=%s", &format!("main..{branch}")],
    );
    assert_eq!(log, "deps: bump tinypkg 1.0 -> 1.1 (minor)\n");
    let changed = git(
        dir.path(),
        &["diff", "--name-only", &format!("main..{branch}")],
    );
    assert_eq!(changed, "pyproject.toml\nrequirements.txt\n");
    let show = |f: &str| git(dir.path(), &["show", &format!("{branch}:{f}")]);
    assert_eq!(show("requirements.txt"), "tinypkg==1.1\n");
    assert!(
        show("pyproject.toml").contains("    \"tinypkg>=1.1,<2\",  # a range here\n"),
        "{}",
        show("pyproject.toml")
    );
}

#[test]
fn a_release_pypi_does_not_know_has_unknown_advisories_not_none() {
    if !require(&["git"]) {
        return;
    }
    // The local index has tinypkg's project page but no JSON API release
    // document for 1.0: the look-up answers 404.
    let (_root, server) = index(&[("tinypkg", &["1.0", "1.1"])]);
    let dir = project(
        "tinypkg==1.0\n",
        "def test_ok():\n    pass\n",
        &format!(
            "\n[bump.registries]\npypi-json = \"{}/pypi\"\n",
            server.url()
        ),
    );
    let run = bump(dir.path(), &server, &["--dry-run"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains(&format!(
            "### Known vulnerabilities not checked\n\n- `tinypkg` (requirements.txt): tinypkg 1.0 is not known to PyPI's JSON API (GET {}/pypi/tinypkg/1.0/json: HTTP 404), so its known vulnerabilities are unknown\n",
            server.url()
        )),
        "{}",
        run.stdout
    );
    // The bump itself still goes ahead.
    assert!(run.stdout.contains("| tinypkg |"), "{}", run.stdout);
    assert_eq!(server.hits("/pypi/tinypkg/1.0/json"), 1);
}

/// A git repository of pre-commit hooks, one tag per (tag, entry, annotated):
/// its hook `say` (id `{id}`) runs `entry` once per run. The commit of each tag.
fn hook_repo(dir: &Path, id: &str, tags: &[(&str, &str, bool)]) -> Vec<String> {
    std::fs::create_dir_all(dir).unwrap();
    git(dir, &["init", "-q", "-b", "main"]);
    tags.iter()
        .map(|(tag, entry, annotated)| {
            write(
                dir,
                ".pre-commit-hooks.yaml",
                &format!(
                    "- id: {id}\n  name: {id}\n  entry: {entry}\n  language: system\n  pass_filenames: false\n  always_run: true\n"
                ),
            );
            git(dir, &["add", "-A"]);
            git(dir, &["commit", "-q", "--allow-empty", "-m", tag]);
            if *annotated {
                git(dir, &["tag", "-a", tag, "-m", tag]);
            } else {
                git(dir, &["tag", tag]);
            }
            git(dir, &["rev-parse", "HEAD"]).trim().to_string()
        })
        .collect()
}

#[test]
fn hook_revs_are_bumped_verified_by_their_hook_and_committed_one_each() {
    if !require(&["pytest", "git"]) {
        return;
    }
    let (_root, server) = index(&[("tinypkg", &["1.0", "1.1"])]);
    let hooks = tempfile::tempdir().unwrap();
    let tagged = hooks.path().join("tagged");
    let frozen = hooks.path().join("frozen");
    // v2.0.0's hook fails: verification catches it, and the minor below is taken.
    hook_repo(
        &tagged,
        "say",
        &[
            ("v1.0.0", "\"true\"", false),
            ("v1.1.0", "\"true\"", true),
            ("v2.0.0", "\"false\"", false),
            ("nightly", "\"true\"", false),
        ],
    );
    let shas = hook_repo(
        &frozen,
        "say-frozen",
        &[("0.1", "\"true\"", false), ("0.2", "\"true\"", true)],
    );
    let dir = project(
        "tinypkg==1.0\n",
        "def test_ok():\n    pass\n",
        "allow = \"major\"\ncooldown = \"0d\"\n",
    );
    let config = format!(
        "# the team's hooks\nrepos:\n  - repo: file://{}\n    rev: \"v1.0.0\"   # quoted on purpose\n    hooks:\n      - id: say\n  - repo: file://{}\n    rev: {}  # frozen: 0.1\n    hooks:\n      - id: say-frozen\n  - repo: file:///nowhere/no-such-repo\n    rev: v1.0\n    hooks:\n      - id: gone\n",
        tagged.display(),
        frozen.display(),
        shas[0]
    );
    write(dir.path(), ".pre-commit-config.yaml", &config);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "hooks"]);

    // A repo whose tags can't be read is said; the others are still looked up.
    let dry = bump(dir.path(), &server, &["--dry-run"]);
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    let row = |repo: &Path| {
        dry.stdout
            .lines()
            .find(|l| l.starts_with(&format!("| file://{} ", repo.display())))
            .unwrap_or_else(|| panic!("{}", dry.stdout))
            .to_string()
    };
    assert!(
        row(&tagged).contains("| `.pre-commit-config.yaml` `v1.0.0` | 1.0.0 | 2.0.0 | major |"),
        "{}",
        dry.stdout
    );
    assert!(
        row(&frozen).contains("| 0.1 | 0.2 | minor |"),
        "{}",
        dry.stdout
    );
    assert!(
        dry.stdout.contains(
            "- `file:///nowhere/no-such-repo`: the tags of the repo could not be read (git ls-remote failed: "
        ) && dry.stdout.contains("its rev was not bumped"),
        "{}",
        dry.stdout
    );
    assert!(dry.stdout.contains("| tinypkg |"), "{}", dry.stdout);

    // The unreachable repo's hook can't run: the others are verified without it.
    let run = bump(dir.path(), &server, &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("- `gone` can't run (")
            && run.stdout.contains("so the bumps were verified without it"),
        "{}",
        run.stdout
    );
    let branch = bump_branch(dir.path());
    let log = bump_subjects(dir.path(), &branch);
    let mut subjects: Vec<&str> = log.lines().collect();
    subjects.sort();
    assert_eq!(
        subjects,
        [
            format!("deps: bump file://{} 0.1 -> 0.2 (minor)", frozen.display()).as_str(),
            format!(
                "deps: bump file://{} 1.0.0 -> 1.1.0 (minor)",
                tagged.display()
            )
            .as_str(),
            "deps: bump tinypkg 1.0 -> 1.1 (minor)",
        ],
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("❌ breaks `say`"),
        "v2.0.0's hook fails: {}",
        run.stdout
    );
    let after = git(
        dir.path(),
        &["show", &format!("{branch}:.pre-commit-config.yaml")],
    );
    assert_eq!(
        after,
        config
            .replace("rev: \"v1.0.0\"", "rev: \"v1.1.0\"")
            .replace(
                &format!("rev: {}  # frozen: 0.1", shas[0]),
                &format!("rev: {}  # frozen: 0.2", shas[1])
            )
    );
}
