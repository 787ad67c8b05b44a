//! The `vulnerable-dependencies` check against the local registry's recorded
//! advisories (idna 3.6: PYSEC-2024-60; minimist 1.2.5: GHSA-xvch-5gv4-984h):
//! what `rungs plan` says of it, its findings at the pinning lines, and a
//! registry that cannot answer being an error, never a pass.

mod common;
use common::registry::{Fault, LocalRegistry};
use common::*;
use std::path::Path;

const BULK: &str = "/npm/-/npm/v1/security/advisories/bulk";

fn registry() -> LocalRegistry {
    LocalRegistry::start(&repo().join("fixtures/registry"))
}

/// A project pinning idna 3.6 (vulnerable) and six 1.16.0 in
/// requirements.txt, and locking minimist 1.2.5 (vulnerable) for npm.
fn project(server: &LocalRegistry, extra: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let base = server.url();
    write(
        p,
        "rungs.toml",
        &format!(
            "stacks = [\"python\"]\ntier = \"strict\"\n\n[bump.registries]\npypi = \"{base}/pypi/simple\"\npypi-json = \"{base}/pypi/pypi\"\nnpm = \"{base}/npm/\"\n{extra}"
        ),
    );
    write(p, "app.py", "X = 1\n");
    write(
        p,
        "requirements.txt",
        "# pinned\nidna==3.6\nsix==1.16.0\nrequests>=2  # a range: no version in use\n",
    );
    write(
        p,
        "package-lock.json",
        "{\n  \"name\": \"app\",\n  \"lockfileVersion\": 3,\n  \"packages\": {\n    \"\": {\n      \"name\": \"app\"\n    },\n    \"node_modules/minimist\": {\n      \"version\": \"1.2.5\"\n    }\n  }\n}\n",
    );
    dir
}

fn check(dir: &Path, cache: &Path) -> Run {
    rungs_env(
        dir,
        &[
            "check",
            "--only",
            "vulnerable-dependencies",
            "--format",
            "json",
        ],
        &[("RUNGS_CACHE_DIR", cache.to_str().unwrap())],
    )
}

fn messages(run: &Run) -> Vec<String> {
    run.check("vulnerable-dependencies")["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            format!(
                "{}:{} {}: {}",
                f["path"].as_str().unwrap_or("-"),
                f["line"],
                f["rule"].as_str().unwrap_or("-"),
                f["message"].as_str().unwrap_or("-")
            )
        })
        .collect()
}

#[test]
fn plan_shows_it_at_the_strict_tier_and_leaves_it_out_below() {
    let server = registry();
    let dir = project(&server, "");
    let plan = rungs(dir.path(), &["plan"]);
    assert_eq!(plan.code, 0, "{}", plan.stderr);
    let line = plan
        .stdout
        .lines()
        .find(|l| l.contains("vulnerable-dependencies"))
        .unwrap_or_else(|| panic!("{}", plan.stdout));
    assert!(
        line.contains("rungs's own, enters at the `strict` tier"),
        "{line}"
    );

    let basic = rungs(dir.path(), &["plan", "--tier", "basic"]);
    assert_eq!(basic.code, 0, "{}", basic.stderr);
    assert!(
        basic.stdout.contains(
            "vulnerable-dependencies enters at the `strict` tier; this run is at `basic`"
        ),
        "{}",
        basic.stdout
    );
    // Nothing was asked while planning.
    assert_eq!(server.hits(BULK), 0);
}

#[test]
fn each_vulnerable_dependency_is_one_finding_at_its_line_and_the_day_is_cached() {
    let server = registry();
    // Adopted (named in the config): its findings fail the run.
    let dir = project(
        &server,
        "\n[checks.vulnerable-dependencies]\nenabled = true\n",
    );
    let cache = tempfile::tempdir().unwrap();
    let run = check(dir.path(), cache.path());
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(
        messages(&run),
        [
            "package-lock.json:8 vulnerable: minimist 1.2.5 has known vulnerabilities: GHSA-xvch-5gv4-984h <https://github.com/advisories/GHSA-xvch-5gv4-984h> Prototype Pollution in minimist; affects >=1.0.0 <1.2.6",
            "requirements.txt:2 vulnerable: idna 3.6 has known vulnerabilities: PYSEC-2024-60 <https://osv.dev/vulnerability/PYSEC-2024-60> A vulnerability was identified in the kjd/internationalized-domain-names-in-applications (idna) (version 3.6) library. Specially crafted inputs to idna.encode() can consume significant resources, which may lead to denial of service.; fixed in 3.7",
        ]
    );
    assert_eq!(server.hits("/pypi/pypi/idna/3.6/json"), 1);
    assert_eq!(server.hits("/pypi/pypi/six/1.16.0/json"), 1);
    assert_eq!(server.hits("/pypi/pypi/requests/2/json"), 0);
    assert_eq!(server.hits(BULK), 1);

    // The same day, the same lock files: the result is replayed.
    let again = check(dir.path(), cache.path());
    assert_eq!(again.code, 1);
    assert_eq!(messages(&again), messages(&run));
    assert_eq!(server.hits(BULK), 1);
}

#[test]
fn not_adopted_it_warns_without_failing_the_run() {
    let server = registry();
    let dir = project(&server, "");
    let cache = tempfile::tempdir().unwrap();
    let run = check(dir.path(), cache.path());
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(messages(&run).len(), 2, "{}", run.stdout);
}

#[test]
fn a_registry_that_fails_or_does_not_know_a_release_is_an_error_not_a_pass() {
    let server = registry();
    let dir = project(
        &server,
        "\n[checks.vulnerable-dependencies]\nenabled = true\n",
    );
    write(dir.path(), "requirements.txt", "six==1.99.0\n");
    std::fs::remove_file(dir.path().join("package-lock.json")).unwrap();
    let cache = tempfile::tempdir().unwrap();
    let run = check(dir.path(), cache.path());
    let result = run.check("vulnerable-dependencies");
    assert_eq!(result["outcome"], "error", "{}", run.stdout);
    assert!(
        result.to_string().contains(
            "requirements.txt:1: error: advisories-unknown: six 1.99.0 is not known to PyPI's JSON API"
        ),
        "{result}"
    );
    assert_eq!(run.code, 1);

    // npm's endpoint answering junk, then down.
    let dir = project(
        &server,
        "\n[checks.vulnerable-dependencies]\nenabled = true\n",
    );
    write(dir.path(), "requirements.txt", "\n");
    server.misbehave(BULK, Fault::Junk);
    let run = check(dir.path(), cache.path());
    let result = run.check("vulnerable-dependencies");
    assert_eq!(result["outcome"], "error", "{}", run.stdout);
    assert!(
        result
            .to_string()
            .contains("not an npm bulk advisory answer"),
        "{result}"
    );
    server.misbehave(BULK, Fault::Status(503));
    let run = check(dir.path(), cache.path());
    assert_eq!(
        run.check("vulnerable-dependencies")["outcome"],
        "error",
        "{}",
        run.stdout
    );
    // An error is not remembered: once the registry answers, it is asked again.
    server.misbehave(BULK, Fault::StatusTimes(503, 0));
    let run = check(dir.path(), cache.path());
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(messages(&run).len(), 1, "{}", run.stdout);
}

#[test]
fn its_config_table_may_set_only_tier_and_enabled() {
    let server = registry();
    let dir = project(&server, "\n[checks.vulnerable-dependencies]\ntimeout = 5\n");
    let run = rungs(dir.path(), &["plan"]);
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("rungs.toml:")
            && run
                .stderr
                .contains("`vulnerable-dependencies` is made by rungs: only its `tier` and `enabled` can be set"),
        "{}",
        run.stderr
    );

    let dir = project(
        &server,
        "\n[checks.vulnerable-dependencies]\nenabled = false\n",
    );
    let run = rungs(dir.path(), &["plan"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("vulnerable-dependencies disabled in config"),
        "{}",
        run.stdout
    );
}
