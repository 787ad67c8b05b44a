//! Embeds every file of `checks/`, `presets/` and `precommit/hooks/` in the
//! binary, so adding a built-in check, preset or hook definition is adding a file.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    embed(&out, "checks", ".toml", "checks.rs");
    embed(&out, "presets", ".toml", "presets.rs");
    embed(&out, "precommit/hooks", ".yaml", "precommit-hooks.rs");
    println!("cargo:rerun-if-changed=precommit");
}

/// `&[(stem, include_str!(path)), ...]` for every `*{ext}` file of `dir`, by name.
fn embed(out: &str, dir: &str, ext: &str, file: &str) {
    println!("cargo:rerun-if-changed={dir}");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{dir}/: {e}"))
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(ext))
        .collect();
    names.sort();
    let mut code = String::from("&[\n");
    for name in names {
        let stem = name.trim_end_matches(ext);
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir).join(&name);
        writeln!(code, "    ({stem:?}, include_str!({:?})),", path.display()).unwrap();
    }
    code.push(']');
    std::fs::write(Path::new(out).join(file), code).unwrap();
}
