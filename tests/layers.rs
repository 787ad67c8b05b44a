//! The modules stay layered: `scripts/layers` fails on any cycle between
//! top-level modules of src/, or between the files of one module.

use std::process::Command;

#[test]
fn no_module_imports_one_above_it() {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/layers");
    let out = Command::new("python3")
        .arg(script)
        .output()
        .expect("run scripts/layers with python3");
    assert!(
        out.status.success(),
        "scripts/layers found a cycle:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
