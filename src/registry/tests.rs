//! Parsing real recorded registry answers (fixtures/registry), look-ups
//! against a local registry that misbehaves on demand, and where the URLs
//! come from.

use super::*;
use crate::manifest::{Dependency, Ecosystem};
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[path = "../../tests/common/registry.rs"]
mod local;
use local::{Fault, LocalRegistry};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/registry")
}

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(fixtures().join(rel)).unwrap()
}

fn release<'a>(package: &'a Package, version: &str) -> &'a Release {
    package
        .releases
        .iter()
        .find(|r| r.version == version)
        .unwrap_or_else(|| panic!("no release {version}"))
}

fn dep(ecosystem: Ecosystem, name: &str) -> Dependency {
    Dependency {
        ecosystem,
        name: name.into(),
        manifest: PathBuf::from("manifest"),
        section: "dependencies".into(),
        requirement: String::new(),
        current: None,
    }
}

#[test]
fn pypi_simple_json_pages_give_every_version_with_yanked_python_and_upload_time() {
    let six = pypi::parse(&read("pypi/simple/six/index.json"), "six").unwrap();
    assert_eq!(six.releases.len(), 29);
    let r = release(&six, "1.17.0");
    assert!(!r.yanked);
    assert_eq!(
        r.requires_python.as_deref(),
        Some("!=3.0.*,!=3.1.*,!=3.2.*,>=2.7")
    );
    // 2024-12-04T17:35:26Z or so: the earliest of its files' upload times.
    assert!(r.published.unwrap() > 1_733_000_000 && r.published.unwrap() < 1_734_000_000);
    let old = release(&six, "0.9.0");
    assert_eq!(old.requires_python, None);
    assert_eq!(old.published, Some(1_277_841_396));

    let packaging = pypi::parse(&read("pypi/simple/packaging/index.json"), "packaging").unwrap();
    assert!(
        release(&packaging, "20.6").yanked,
        "both files of 20.6 are yanked"
    );
    assert!(!release(&packaging, "20.7").yanked);
    assert!(release(&packaging, "26.4").published.is_some());

    let idna = pypi::parse(&read("pypi/simple/idna/index.json"), "idna").unwrap();
    // idna 0.1 is listed but has no file left: nothing to install, so yanked.
    let yanked: Vec<_> = idna
        .releases
        .iter()
        .filter(|r| r.yanked)
        .map(|r| r.version.as_str())
        .collect();
    assert_eq!(yanked, ["0.1"]);
    for r in &idna.releases {
        r.version.parse::<pep440_rs::Version>().unwrap();
    }
}

#[test]
fn pypi_pages_without_pep_700_versions_read_versions_from_file_names() {
    let page = br#"{"meta": {"api-version": "1.0"}, "name": "python-dateutil", "files": [
        {"filename": "python-dateutil-2.8.0.tar.gz", "url": "x", "hashes": {}, "yanked": "broken"},
        {"filename": "python_dateutil-2.8.0-py2.py3-none-any.whl", "url": "x", "hashes": {}, "yanked": false,
         "upload-time": "2019-02-05T10:00:00Z"},
        {"filename": "python-dateutil-2.9.0.post0.tar.gz", "url": "x", "hashes": {}, "yanked": true}
    ]}"#;
    let package = pypi::parse(page, "python-dateutil").unwrap();
    let versions: Vec<_> = package
        .releases
        .iter()
        .map(|r| r.version.as_str())
        .collect();
    assert_eq!(versions, ["2.8.0", "2.9.0.post0"]);
    assert!(
        !package.releases[0].yanked,
        "one of its files is not yanked"
    );
    assert!(package.releases[1].yanked);
}

#[test]
fn pypi_changelog_comes_from_project_urls() {
    assert_eq!(
        pypi::parse_changelog(&read("pypi/pypi/idna/json")).as_deref(),
        Some("https://github.com/kjd/idna/blob/master/HISTORY.md")
    );
    assert_eq!(
        pypi::normalize("Django_REST.framework"),
        "django-rest-framework"
    );
}

#[test]
fn crates_sparse_index_files_give_yanked_rust_version_and_pubtime() {
    assert_eq!(crates::path("a"), "1/a");
    assert_eq!(crates::path("ab"), "2/ab");
    assert_eq!(crates::path("abc"), "3/a/abc");
    assert_eq!(crates::path("Serde_Json"), "se/rd/serde_json");

    let itoa = crates::parse(&read("crates/it/oa/itoa")).unwrap();
    assert_eq!(itoa.releases.len(), 38);
    assert_eq!(release(&itoa, "0.1.0").published, Some(1_466_891_433));
    let semver = crates::parse(&read("crates/se/mv/semver")).unwrap();
    assert_eq!(semver.releases.iter().filter(|r| r.yanked).count(), 21);
    assert!(
        semver
            .releases
            .iter()
            .any(|r| r.rust_version.as_deref() == Some("1.68"))
    );
    assert_eq!(semver.changelog, None);

    let err = crates::parse(b"{\"vers\": \"1.0.0\"}\nnot json\n").unwrap_err();
    assert!(err.starts_with("line 2 "), "{err}");
}

#[test]
fn npm_documents_give_versions_times_and_a_releases_link() {
    let is_number = npm::parse(&read("npm/is-number")).unwrap();
    assert_eq!(is_number.releases.len(), 15);
    let r = release(&is_number, "7.0.0");
    assert!(!r.yanked);
    assert!(r.published.is_some());
    assert_eq!(
        is_number.changelog.as_deref(),
        Some("https://github.com/jonschlinkert/is-number/releases")
    );
    let scoped = npm::parse(&read("npm/@isaacs/string-locale-compare")).unwrap();
    assert!(release(&scoped, "1.1.0").published.is_some());
    assert_eq!(
        npm::url(
            "https://registry.npmjs.org/",
            "@isaacs/string-locale-compare"
        ),
        "https://registry.npmjs.org/@isaacs%2Fstring-locale-compare"
    );

    let deprecated =
        br#"{"name": "x", "versions": {"1.0.0": {}, "1.1.0": {"deprecated": "use 1.2"}},
        "time": {"1.0.0": "2020-01-01T00:00:00.000Z"}}"#;
    let package = npm::parse(deprecated).unwrap();
    assert!(!release(&package, "1.0.0").yanked);
    assert!(
        release(&package, "1.1.0").yanked,
        "deprecated counts as yanked"
    );
    assert_eq!(release(&package, "1.1.0").published, None);
}

fn local_lookup(server: &LocalRegistry) -> Lookup {
    let base = server.url();
    let mut lookup = Lookup::new(Registries {
        pypi: format!("{base}/pypi/simple"),
        crates: format!("{base}/crates/"),
        npm: format!("{base}/npm/"),
    });
    lookup.pypi_json = Some(format!("{base}/pypi/pypi"));
    lookup.http = HttpConfig {
        timeout: Duration::from_millis(500),
        retries: 1,
        backoff: Duration::from_millis(20),
        max_bytes: 1024 * 1024,
    };
    lookup
}

#[test]
fn fetch_all_reads_each_registry_in_parallel_in_the_order_asked() {
    let server = LocalRegistry::start(&fixtures());
    let lookup = local_lookup(&server);
    let deps = [
        dep(Ecosystem::Python, "idna"),
        dep(Ecosystem::Rust, "itoa"),
        dep(Ecosystem::Node, "is-number"),
        dep(Ecosystem::Node, "@isaacs/string-locale-compare"),
        dep(Ecosystem::Python, "Six"),
        dep(Ecosystem::Python, "six"),
        dep(Ecosystem::Rust, "semver"),
    ];
    let results = lookup.fetch_all(&deps);
    let packages: Vec<&Package> = results.iter().map(|r| r.as_ref().unwrap()).collect();
    assert_eq!(
        packages[0].changelog.as_deref(),
        Some("https://github.com/kjd/idna/blob/master/HISTORY.md")
    );
    assert_eq!(packages[1].releases.len(), 38);
    assert_eq!(packages[2].releases.len(), 15);
    assert!(packages[4].releases.iter().any(|r| r.version == "1.17.0"));
    assert_eq!(
        server.hits("/pypi/simple/six/"),
        1,
        "Six and six are one package"
    );
    assert_eq!(packages[6].releases.len(), 66);
}

#[test]
fn a_misbehaving_registry_costs_each_dependency_a_clear_error_quickly() {
    let server = LocalRegistry::start(&fixtures());
    server.misbehave("/pypi/simple/six/", Fault::Slow(Duration::from_secs(30)));
    server.misbehave("/pypi/simple/idna/", Fault::Status(500));
    server.misbehave("/crates/it/oa/itoa", Fault::Junk);
    server.misbehave("/npm/is-number", Fault::Oversized(8 * 1024 * 1024));
    server.misbehave("/crates/se/mv/semver", Fault::StatusTimes(503, 1));
    let lookup = local_lookup(&server);
    let deps = [
        dep(Ecosystem::Python, "six"),
        dep(Ecosystem::Python, "idna"),
        dep(Ecosystem::Rust, "itoa"),
        dep(Ecosystem::Node, "is-number"),
        dep(Ecosystem::Python, "no-such-package"),
        dep(Ecosystem::Rust, "semver"),
    ];
    let started = Instant::now();
    let results = lookup.fetch_all(&deps);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    let err = |i: usize| -> String {
        let e = results[i].as_ref().unwrap_err();
        assert_eq!(e.name, deps[i].name);
        e.message.clone()
    };
    let base = server.url();
    assert_eq!(
        err(0),
        format!(
            "GET {base}/pypi/simple/six/: no complete answer within 0.5s (after 2 attempts); expected a PEP 691 JSON project page"
        )
    );
    assert_eq!(
        err(1),
        format!(
            "GET {base}/pypi/simple/idna/: HTTP 500 (after 2 attempts); expected a PEP 691 JSON project page"
        )
    );
    assert_eq!(server.hits("/pypi/simple/idna/"), 2);
    assert!(
        err(2).starts_with(&format!("GET {base}/crates/it/oa/itoa: "))
            && err(2).ends_with("; expected a sparse index file"),
        "{}",
        err(2)
    );
    assert_eq!(
        err(3),
        format!(
            "GET {base}/npm/is-number: answer larger than the 1 MiB limit; expected an npm package document"
        )
    );
    assert_eq!(
        err(4),
        format!(
            "no-such-package is not on the registry (GET {base}/pypi/simple/no-such-package/: HTTP 404)"
        )
    );
    assert_eq!(
        results[5].as_ref().unwrap().releases.len(),
        66,
        "a 503 is retried"
    );
}

#[test]
fn an_index_that_only_speaks_html_is_named() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("simple/six")).unwrap();
    std::fs::write(dir.path().join("simple/six/index.html"), "<html></html>").unwrap();
    let server = LocalRegistry::start(dir.path());
    let lookup = Lookup::new(Registries {
        pypi: format!("{}/simple/", server.url()),
        crates: String::new(),
        npm: String::new(),
    });
    let results = lookup.fetch_all(&[dep(Ecosystem::Python, "six")]);
    let message = &results[0].as_ref().unwrap_err().message;
    assert!(message.contains("answered HTML (PEP 503)"), "{message}");
}

fn env(home: &Path, vars: &[(&str, &str)]) -> Environment {
    Environment {
        vars: vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        home: Some(home.to_path_buf()),
        etc: None,
    }
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn with_no_configuration_the_public_registries_are_used() {
    let home = tempfile::tempdir().unwrap();
    let project = tempfile::tempdir().unwrap();
    let lookup = Lookup::from_environment(
        project.path(),
        &RegistryOverrides::default(),
        &env(home.path(), &[]),
    );
    assert_eq!(lookup.registries.pypi, "https://pypi.org/simple");
    assert_eq!(lookup.registries.crates, "https://index.crates.io/");
    assert_eq!(lookup.registries.npm, "https://registry.npmjs.org/");
    assert_eq!(lookup.pypi_json.as_deref(), Some("https://pypi.org/pypi"));
    assert_eq!(lookup.origins.pypi, "default");
}

#[test]
fn pypi_index_follows_env_then_uv_settings_then_pip_conf() {
    let home = tempfile::tempdir().unwrap();
    let project = tempfile::tempdir().unwrap();
    let none = RegistryOverrides::default();
    let pypi = |vars: &[(&str, &str)]| {
        let l = Lookup::from_environment(project.path(), &none, &env(home.path(), vars));
        (l.registries.pypi, l.origins.pypi, l.pypi_json)
    };
    write(
        &home.path().join(".pip/pip.conf"),
        "[global]\nindex-url = https://legacy.example/simple\n",
    );
    assert_eq!(pypi(&[]).0, "https://legacy.example/simple");
    write(
        &home.path().join(".config/pip/pip.conf"),
        "# mirror\n[global]\ntimeout = 60\nindex-url = https://mirror.example/simple\nextra-index-url =\n    https://extra.example/simple\n",
    );
    let (url, from, json) = pypi(&[]);
    assert_eq!(url, "https://mirror.example/simple");
    assert!(
        from.ends_with(".config/pip/pip.conf [global] index-url"),
        "{from}"
    );
    assert_eq!(json, None, "a mirror is not asked for PyPI's JSON API");
    let custom = home.path().join("custom.conf");
    write(
        &custom,
        "[install]\nindex_url: https://custom.example/simple\n",
    );
    assert_eq!(
        pypi(&[("PIP_CONFIG_FILE", custom.to_str().unwrap())]).0,
        "https://custom.example/simple"
    );
    write(
        &project.path().join("pyproject.toml"),
        "[project]\nname = \"p\"\n\n[[tool.uv.index]]\nname = \"corp\"\nurl = \"https://uv.example/simple\"\ndefault = true\n",
    );
    assert_eq!(pypi(&[]).0, "https://uv.example/simple");
    write(
        &project.path().join("uv.toml"),
        "index-url = \"https://uvtoml.example/simple\"\n",
    );
    assert_eq!(pypi(&[]).0, "https://uvtoml.example/simple");
    assert_eq!(
        pypi(&[("UV_INDEX_URL", "https://uvenv.example/simple")]).0,
        "https://uvenv.example/simple"
    );
    assert_eq!(
        pypi(&[
            ("UV_INDEX_URL", "https://uvenv.example/simple"),
            ("PIP_INDEX_URL", "https://pipenv.example/simple")
        ]),
        (
            "https://pipenv.example/simple".to_string(),
            "PIP_INDEX_URL".to_string(),
            None
        )
    );
    let over = RegistryOverrides {
        pypi: Some("https://rungs.example/simple".into()),
        ..Default::default()
    };
    let l = Lookup::from_environment(
        project.path(),
        &over,
        &env(home.path(), &[("PIP_INDEX_URL", "https://x/simple")]),
    );
    assert_eq!(l.registries.pypi, "https://rungs.example/simple");
}

#[test]
fn crates_index_follows_source_replacement_in_cargo_config() {
    let home = tempfile::tempdir().unwrap();
    let project = tempfile::tempdir().unwrap();
    let member = project.path().join("crates/member");
    std::fs::create_dir_all(&member).unwrap();
    let none = RegistryOverrides::default();
    let crates = |vars: &[(&str, &str)]| {
        Lookup::from_environment(&member, &none, &env(home.path(), vars))
            .registries
            .crates
    };
    write(
        &home.path().join(".cargo/config.toml"),
        "[source.crates-io]\nreplace-with = \"home-mirror\"\n[source.home-mirror]\nregistry = \"sparse+https://home.example/index/\"\n",
    );
    assert_eq!(crates(&[]), "https://home.example/index/");
    let cargo_home = home.path().join("elsewhere");
    write(
        &cargo_home.join("config.toml"),
        "[source.crates-io]\nreplace-with = \"corp\"\n[registries.corp]\nindex = \"sparse+https://corp.example/\"\n",
    );
    assert_eq!(
        crates(&[("CARGO_HOME", cargo_home.to_str().unwrap())]),
        "https://corp.example/"
    );
    write(
        &project.path().join(".cargo/config.toml"),
        "[source.crates-io]\nreplace-with = \"vendored\"\n[source.vendored]\nregistry = \"sparse+https://project.example/\"\n",
    );
    assert_eq!(crates(&[]), "https://project.example/");
    write(
        &project.path().join(".cargo/config.toml"),
        "[source.crates-io]\nreplace-with = \"git-mirror\"\n[source.git-mirror]\nregistry = \"https://git.example/index\"\n",
    );
    let l = Lookup::from_environment(&member, &none, &env(home.path(), &[]));
    assert_eq!(l.registries.crates, "https://index.crates.io/");
    assert!(
        l.origins.crates.contains("git index"),
        "{}",
        l.origins.crates
    );
}

#[test]
fn npm_registry_follows_env_then_project_then_user_npmrc_with_scopes() {
    let home = tempfile::tempdir().unwrap();
    let project = tempfile::tempdir().unwrap();
    let none = RegistryOverrides::default();
    let lookup = |vars: &[(&str, &str)]| {
        Lookup::from_environment(project.path(), &none, &env(home.path(), vars))
    };
    write(
        &home.path().join(".npmrc"),
        "registry=https://user.example/\n@corp:registry=https://corp.example/npm/\n",
    );
    assert_eq!(lookup(&[]).registries.npm, "https://user.example/");
    write(
        &project.path().join(".npmrc"),
        "; project\nregistry = https://${NPM_HOST}/\n",
    );
    let l = lookup(&[("NPM_HOST", "project.example")]);
    assert_eq!(l.registries.npm, "https://project.example/");
    assert_eq!(
        l.url(Ecosystem::Node, "@corp/ui"),
        "https://corp.example/npm/@corp%2Fui"
    );
    assert_eq!(
        l.url(Ecosystem::Node, "left-pad"),
        "https://project.example/left-pad"
    );
    assert_eq!(
        lookup(&[("npm_config_registry", "https://env.example/")])
            .registries
            .npm,
        "https://env.example/"
    );
    assert_eq!(
        lookup(&[("NPM_CONFIG_REGISTRY", "https://ENV.example/")])
            .registries
            .npm,
        "https://ENV.example/"
    );
}

#[test]
fn fifty_look_ups_overlap_up_to_the_bound_and_no_further() {
    // 50 projects, each a copy of a recorded page, each answered after a delay.
    let dir = tempfile::tempdir().unwrap();
    let page = read("pypi/simple/six/index.json");
    let names: Vec<String> = (0..50).map(|i| format!("pkg-{i}")).collect();
    for name in &names {
        let project = dir.path().join("simple").join(name);
        std::fs::create_dir_all(&project).unwrap();
        std::fs::write(project.join("index.json"), &page).unwrap();
        std::fs::write(
            project.join("index.json.content-type"),
            "application/vnd.pypi.simple.v1+json",
        )
        .unwrap();
    }
    let server = LocalRegistry::start(dir.path());
    server.delay_every_answer(Duration::from_millis(250));
    let mut lookup = Lookup::new(Registries {
        pypi: format!("{}/simple/", server.url()),
        crates: String::new(),
        npm: String::new(),
    });
    lookup.http.timeout = Duration::from_secs(10);
    let deps: Vec<Dependency> = names.iter().map(|n| dep(Ecosystem::Python, n)).collect();
    let results = lookup.fetch_all(&deps);
    assert!(results.iter().all(|r| r.is_ok()));
    for name in &names {
        assert_eq!(server.hits(&format!("/simple/{name}/")), 1);
    }
    // Eight at once: overlapped (50 delays one after another would be the
    // slow path), yet never more than the bound.
    assert_eq!(lookup.jobs, 8);
    assert_eq!(server.peak_in_flight(), 8);
}

fn with_current(ecosystem: Ecosystem, name: &str, current: &str) -> Dependency {
    let mut d = dep(ecosystem, name);
    d.current = Some(current.into());
    d
}

#[test]
fn advisories_come_from_pypi_per_release_and_from_npm_in_one_bulk_request() {
    let server = LocalRegistry::start(&fixtures());
    let lookup = local_lookup(&server);
    let deps = [
        with_current(Ecosystem::Python, "idna", "3.6"),
        with_current(Ecosystem::Node, "minimist", "1.2.5"),
        with_current(Ecosystem::Python, "six", "1.16.0"),
        with_current(Ecosystem::Node, "is-number", "7.0.0"),
        dep(Ecosystem::Rust, "itoa"),
        // A release PyPI does not know: its advisories are unknown, not none.
        with_current(Ecosystem::Python, "six", "1.99.0"),
    ];
    let results = lookup.advisories(&deps);
    let ids = |i: usize| -> Vec<String> {
        results[i]
            .as_ref()
            .unwrap()
            .iter()
            .map(|a| a.id.clone())
            .collect()
    };
    assert_eq!(ids(0), ["PYSEC-2024-60"]);
    assert_eq!(ids(1), ["GHSA-xvch-5gv4-984h"]);
    assert!(ids(2).is_empty() && ids(3).is_empty() && ids(4).is_empty());
    let unknown = results[5].as_ref().unwrap_err();
    assert_eq!(
        unknown.message,
        format!(
            "six 1.99.0 is not known to PyPI's JSON API (GET {}/pypi/pypi/six/1.99.0/json: HTTP 404), so its known vulnerabilities are unknown",
            server.url()
        )
    );
    let idna = &results[0].as_ref().unwrap()[0];
    assert_eq!(
        idna.link.as_deref(),
        Some("https://osv.dev/vulnerability/PYSEC-2024-60")
    );
    assert_eq!(server.hits("/npm/-/npm/v1/security/advisories/bulk"), 1);
    let asked: serde_json::Value = serde_json::from_str(
        &server
            .posted("/npm/-/npm/v1/security/advisories/bulk")
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        asked,
        serde_json::json!({"is-number": ["7.0.0"], "minimist": ["1.2.5"]})
    );
}
