//! Embeds every file of `checks/` and `presets/` in the binary, so adding a
//! built-in check or preset is adding a TOML file.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    for dir in ["checks", "presets"] {
        println!("cargo:rerun-if-changed={dir}");
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .expect("checks/ and presets/ exist")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".toml"))
            .collect();
        names.sort();
        let mut code = String::from("&[\n");
        for name in names {
            let stem = name.trim_end_matches(".toml");
            let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir).join(&name);
            writeln!(code, "    ({stem:?}, include_str!({:?})),", path.display()).unwrap();
        }
        code.push(']');
        std::fs::write(Path::new(&out).join(format!("{dir}.rs")), code).unwrap();
    }
}
