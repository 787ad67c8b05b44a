//! The modules stay layered: `scripts/layers` fails on any cycle between
//! top-level modules of src/, or between the files of any folder below.

use std::process::Command;

fn layers(src: Option<&std::path::Path>) -> std::process::Output {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/layers");
    let mut cmd = Command::new("python3");
    cmd.arg(script);
    if let Some(src) = src {
        cmd.arg(src);
    }
    cmd.output().expect("run scripts/layers with python3")
}

#[test]
fn no_module_imports_one_above_it() {
    let out = layers(None);
    assert!(
        out.status.success(),
        "scripts/layers found a cycle:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_cycle_between_files_of_a_nested_folder_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    let write = |rel: &str, text: &str| {
        let path = src.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write("main.rs", "mod cache;\n");
    write("cache/mod.rs", "mod remote;\n");
    write("cache/remote/mod.rs", "mod client;\nmod run;\n");
    write(
        "cache/remote/client.rs",
        "pub const N: usize = super::run::PARALLEL;\n",
    );
    // A group import naming the sibling, as `use super::{client::Client}`.
    write(
        "cache/remote/run.rs",
        "use super::{client::{self}};\npub const PARALLEL: usize = client::N;\n",
    );
    let out = layers(Some(src));
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cycle between files: cache/remote/client <-> cache/remote/run"),
        "{stderr}"
    );

    // `crate::` paths from deeper down count too.
    write(
        "cache/remote/run.rs",
        "pub const PARALLEL: usize = crate::cache::remote::client::N;\n",
    );
    assert_eq!(layers(Some(src)).status.code(), Some(1));
    // And without the edge back, no cycle.
    write("cache/remote/client.rs", "pub const N: usize = 8;\n");
    let out = layers(Some(src));
    assert!(out.status.success(), "{out:?}");
}
