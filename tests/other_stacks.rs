//! Rust and JavaScript projects, checked with the real tools.

mod common;
use common::*;

#[test]
fn rust_crate_gets_rustfmt_clippy_and_tests() {
    if !require(&["cargo", "rustfmt", "cargo-clippy"]) {
        return;
    }
    let dir = fixture("rust-crate");
    let run = rungs(dir.path(), &["check", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(findings(&run.check("cargo-fmt")), ["src/shapes.rs:1"]);
    assert_eq!(
        findings(&run.check("clippy")),
        ["src/lib.rs:9:5 clippy::len_zero"]
    );
    assert_eq!(run.check("cargo-test")["outcome"], "passed");
}

#[test]
fn node_project_gets_prettier_with_a_diff_and_eslint() {
    if !require(&["prettier", "eslint"]) {
        return;
    }
    let dir = fixture("node-app");
    let run = rungs(dir.path(), &["check", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let prettier = run.check("prettier");
    assert_eq!(findings(&prettier), ["src/format.js"]);
    assert!(
        prettier["diff"]
            .as_str()
            .unwrap()
            .contains("+  const fixed = amount.toFixed(2);")
    );
    assert_eq!(
        findings(&run.check("eslint")),
        [
            "src/cart.js:1:10 no-unused-vars",
            "src/cart.js:12:3 no-var",
            "src/cart.js:13:16 eqeqeq"
        ]
    );
}

#[test]
fn a_failing_rust_test_is_a_finding_where_it_panicked() {
    if !require(&["cargo"]) {
        return;
    }
    let dir = fixture("rust-crate");
    let lib = dir.path().join("src/lib.rs");
    let text = std::fs::read_to_string(&lib).unwrap();
    std::fs::write(
        &lib,
        text.replace("assert!(no_names(&[]));", "assert!(!no_names(&[]));"),
    )
    .unwrap();
    let run = rungs(
        dir.path(),
        &["check", "--only", "cargo-test", "--format", "json"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let test = run.check("cargo-test");
    assert_eq!(
        findings(&test),
        ["src/lib.rs:18:9 tests::empty_list_is_empty"]
    );
    assert!(
        test["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("assertion failed: !no_names(&[])")
    );
    // Each test is its own case (for the JUnit report), the failed one placed.
    let cases = test["tests"]["cases"].as_array().unwrap();
    let failed: Vec<&serde_json::Value> =
        cases.iter().filter(|c| c["outcome"] == "failed").collect();
    assert_eq!(failed.len(), 1, "{cases:?}");
    assert_eq!(failed[0]["name"], "tests::empty_list_is_empty");
    assert_eq!(failed[0]["file"], "src/lib.rs");
    assert_eq!(test["tests"]["total"].as_u64(), Some(cases.len() as u64));
}

#[test]
fn eslint_without_its_config_says_why_and_a_warm_run_replays_the_error() {
    if !require(&["eslint"]) {
        return;
    }
    let dir = fixture("node-app");
    std::fs::remove_file(dir.path().join("eslint.config.js")).unwrap();
    // Asked for in rungs's config, so it runs though eslint's own is gone.
    write(
        dir.path(),
        "rungs.toml",
        "[checks.eslint]\nenabled = true\n",
    );
    let cache = tempfile::tempdir().unwrap();
    let env = [("RUNGS_CACHE_DIR", cache.path().to_str().unwrap())];
    let args = ["check", "--only", "eslint", "--format", "json"];
    let cold = rungs_env(dir.path(), &args, &env);
    let warm = rungs_env(dir.path(), &args, &env);
    for run in [&cold, &warm] {
        assert_eq!(run.code, 1, "{}", run.stderr);
        let eslint = run.check("eslint");
        assert_eq!(eslint["outcome"], "error");
        assert!(
            eslint["problems"][0]
                .as_str()
                .unwrap()
                .contains("ESLint couldn't find an eslint.config.* file."),
            "{eslint}"
        );
    }
    assert_eq!(cold.check("eslint")["cached"], false);
    assert_eq!(warm.check("eslint")["cached"], true);
    // Its config is in the key: writing one runs eslint again.
    std::fs::copy(
        repo().join("fixtures/node-app/eslint.config.js"),
        dir.path().join("eslint.config.js"),
    )
    .unwrap();
    let fixed = rungs_env(dir.path(), &args, &env);
    let eslint = fixed.check("eslint");
    assert_eq!(eslint["cached"], false);
    assert_eq!(eslint["outcome"], "failed");
}
