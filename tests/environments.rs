//! The project's environment where its package manager keeps it: pipenv's
//! and Poetry's virtualenvs live outside the project, and the project's
//! tests must run in them, as `pipenv run pytest` and `poetry run pytest` do.
//! The environments are made offline, from the wheels scripts/setup-tools
//! keeps in .tools/wheels.

mod common;
use common::*;
use std::path::Path;
use std::process::Command;

/// A project whose test imports a package only its manager's environment has.
fn project(manifest: (&str, &str)) -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix("rungs-test-")
        .tempdir()
        .unwrap();
    write(dir.path(), manifest.0, manifest.1);
    write(dir.path(), "app/__init__.py", "");
    write(dir.path(), "tests/__init__.py", "");
    write(
        dir.path(),
        "tests/test_env.py",
        "import pre_commit_hooks\n\n\ndef test_env():\n    assert pre_commit_hooks\n",
    );
    dir
}

/// Run a command the way a developer sets the environment up; its stdout.
fn run(dir: &Path, argv: &[&str], env: &[(&str, &str)]) -> String {
    let out = Command::new(argv[0])
        .args(&argv[1..])
        .current_dir(dir)
        .envs(env.iter().copied())
        .env("PIP_NO_INDEX", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{argv:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// pytest and the package the test imports, into the environment at `env`.
fn install(env: &Path) {
    let wheels = repo().join(".tools/wheels");
    run(
        env,
        &[
            env.join("bin/python").to_str().unwrap(),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--find-links",
            wheels.to_str().unwrap(),
            "pytest==9.2.0",
            "pre-commit-hooks==6.0.0",
        ],
        &[],
    );
}

/// `rungs check` of the project's tests: they pass only where the package is.
fn check_tests(dir: &Path, env: &[(&str, &str)], manager: &str) {
    let run = rungs_env(dir, &["check", "--only", "pytest", "--format", "json"], env);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(run.check("pytest")["tests"]["total"], 1, "{}", run.stdout);
    let plan = rungs_env(dir, &["plan", "--only", "pytest", "--format", "json"], env);
    let origin = plan.json()["checks"][0]["tool_origin"].clone();
    assert!(
        origin.as_str().unwrap_or("").starts_with(manager),
        "{manager}: {origin}"
    );
}

#[test]
fn a_pipenv_projects_tests_run_in_pipenvs_environment() {
    if !require(&["pipenv", "pytest"]) {
        return;
    }
    let dir = project((
        "Pipfile",
        "[[source]]\nurl = \"https://pypi.org/simple\"\nverify_ssl = true\nname = \"pypi\"\n\n[packages]\n\n[dev-packages]\npytest = \"*\"\npre-commit-hooks = \"*\"\n",
    ));
    let homes = tempfile::tempdir().unwrap();
    let workon = homes.path().to_str().unwrap();
    let env = [("WORKON_HOME", workon)];
    run(dir.path(), &["pipenv", "--python", "python3"], &env);
    let venv = run(dir.path(), &["pipenv", "--venv"], &env);
    install(Path::new(venv.trim()));
    check_tests(dir.path(), &env, "pipenv");
    // rungs's own pytest, without pipenv's environment, fails to import it.
    let without = rungs(dir.path(), &["check", "--only", "pytest"]);
    assert_eq!(without.code, 1, "{}", without.stdout);
}

#[test]
fn a_poetry_projects_tests_run_in_poetrys_environment() {
    if !require(&["poetry", "pytest"]) {
        return;
    }
    let dir = project((
        "pyproject.toml",
        "[tool.poetry]\nname = \"app\"\nversion = \"0.1.0\"\ndescription = \"\"\nauthors = []\npackage-mode = false\n\n[tool.poetry.dependencies]\npython = \"^3.10\"\n\n[tool.poetry.group.dev.dependencies]\npytest = \"*\"\npre-commit-hooks = \"*\"\n",
    ));
    let homes = tempfile::tempdir().unwrap();
    let envs = homes.path().join("envs");
    let cache = homes.path().join("cache");
    let env = [
        ("POETRY_VIRTUALENVS_PATH", envs.to_str().unwrap()),
        ("POETRY_CACHE_DIR", cache.to_str().unwrap()),
    ];
    run(dir.path(), &["poetry", "env", "use", "python3"], &env);
    let venv = run(dir.path(), &["poetry", "env", "info", "-p"], &env);
    install(Path::new(venv.trim()));
    check_tests(dir.path(), &env, "poetry");
}
