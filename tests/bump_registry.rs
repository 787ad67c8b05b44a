//! The local registry the `rungs bump` tests use instead of the internet:
//! pip installs from it as from PyPI.

#[path = "common/registry.rs"]
mod registry;

use registry::{Fault, LocalRegistry, build_wheel, write_pypi_project};
use std::path::Path;
use std::process::Command;

fn have_pip() -> bool {
    Command::new("python3")
        .args(["-m", "pip", "--version"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

#[test]
fn pip_installs_the_asked_version_from_the_local_index() {
    if !have_pip() {
        eprintln!("skipped: python3 -m pip is not available");
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let wheels = work.path().join("wheels");
    std::fs::create_dir_all(&wheels).unwrap();
    let built: Vec<_> = ["1.0", "1.1", "2.0"]
        .iter()
        .map(|v| build_wheel(&wheels, "tinypkg", v))
        .collect();
    let root = work.path().join("index");
    let refs: Vec<&Path> = built.iter().map(|p| p.as_path()).collect();
    write_pypi_project(&root, "TinyPkg", &refs);
    let server = LocalRegistry::start(&root);

    let target = work.path().join("site");
    let output = Command::new("python3")
        .args([
            "-m",
            "pip",
            "install",
            "--no-cache-dir",
            "--disable-pip-version-check",
            "--no-input",
        ])
        .args(["--index-url", &format!("{}/simple/", server.url())])
        .arg("--target")
        .arg(&target)
        .arg("tinypkg==1.1")
        .env("PIP_CONFIG_FILE", "/dev/null")
        .output()
        .expect("pip");
    assert!(
        output.status.success(),
        "pip failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let module = std::fs::read_to_string(target.join("tinypkg/__init__.py")).unwrap();
    assert_eq!(module, "VERSION = '1.1'\n");
    assert_eq!(server.hits("/simple/tinypkg/"), 1);
    assert_eq!(server.hits("/files/tinypkg-1.1-py3-none-any.whl"), 1);
}

fn get(url: &str) -> (u16, String, Vec<u8>) {
    let mut response = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .new_agent()
        .get(url)
        .call()
        .expect("request");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body = response.body_mut().read_to_vec().unwrap_or_default();
    (status, content_type, body)
}

#[test]
fn the_local_registry_serves_recorded_answers_by_path_and_misbehaves_on_demand() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/registry");
    let server = LocalRegistry::start(&fixtures);
    let base = server.url();

    let (status, content_type, body) = get(&format!("{base}/pypi/simple/six/"));
    assert_eq!(
        (status, content_type.as_str()),
        (200, "application/vnd.pypi.simple.v1+json")
    );
    assert!(body.starts_with(b"{\"files\""));
    let (status, _, body) = get(&format!("{base}/npm/@isaacs%2Fstring-locale-compare"));
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&body).contains("\"dist-tags\""));
    assert_eq!(get(&format!("{base}/crates/no/pe/nope")).0, 404);
    assert_eq!(get(&format!("{base}/../Cargo.toml")).0, 404);

    server.misbehave("/crates/it/oa/itoa", Fault::StatusTimes(503, 1));
    assert_eq!(get(&format!("{base}/crates/it/oa/itoa")).0, 503);
    assert_eq!(get(&format!("{base}/crates/it/oa/itoa")).0, 200);
    server.misbehave("/npm/is-number", Fault::Junk);
    let (status, _, body) = get(&format!("{base}/npm/is-number"));
    assert_eq!(status, 200);
    assert!(serde_json::from_slice::<serde_json::Value>(&body).is_err());
}
