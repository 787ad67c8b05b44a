//! The hooks rungs runs itself, as pre-commit does: `pygrep` (a Python
//! regular expression over each file), `fail` (a message and the files), and
//! the meta hook `identity`. Each is a hidden subcommand of the rungs binary,
//! so it runs as a job like any other hook.

use super::pattern::Pattern;
use std::io::Write;

/// `rungs __pygrep [-i|--ignore-case] [--multiline] [--negate] -- PATTERN FILE...`;
/// prints `file:line:text` per match (the file alone when negated); exit 1 on
/// a match (on a file without one, negated).
pub fn pygrep(args: &[String]) -> i32 {
    let (mut ignore_case, mut multiline, mut negate) = (false, false, false);
    let mut rest = args.iter();
    for a in rest.by_ref() {
        match a.as_str() {
            "-i" | "--ignore-case" => ignore_case = true,
            "--multiline" => multiline = true,
            "--negate" => negate = true,
            "--" => break,
            other => {
                eprintln!(
                    "pygrep: unknown option `{other}` (expected --ignore-case, --multiline or --negate)"
                );
                return 2;
            }
        }
    }
    let Some(pattern) = rest.next() else {
        eprintln!("pygrep: no pattern");
        return 2;
    };
    let flags = match (ignore_case, multiline) {
        (false, false) => "",
        (true, false) => "(?i)",
        (false, true) => "(?ms)",
        (true, true) => "(?ims)",
    };
    let pattern = match Pattern::new(&format!("{flags}{pattern}")) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("pygrep: {e}");
            return 2;
        }
    };
    let mut out = std::io::stdout().lock();
    let mut code = 0;
    for file in rest {
        let contents = match std::fs::read(file) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(e) => {
                eprintln!("{file}: {e}");
                code = 1;
                continue;
            }
        };
        let found = match (multiline, negate) {
            (false, false) => {
                let mut any = false;
                for (n, line) in contents.split_inclusive('\n').enumerate() {
                    let line = line.trim_end_matches(['\r', '\n']);
                    if pattern.search(line) {
                        any = true;
                        let _ = writeln!(out, "{file}:{}:{line}", n + 1);
                    }
                }
                any
            }
            (true, false) => match pattern.find(&contents) {
                Some(start) => {
                    let line_no = contents[..start].matches('\n').count();
                    let line = contents.split('\n').nth(line_no).unwrap_or_default();
                    let _ = writeln!(out, "{file}:{}:{line}", line_no + 1);
                    true
                }
                None => false,
            },
            (false, true) => {
                let hit = contents
                    .split_inclusive('\n')
                    .any(|l| pattern.search(l.trim_end_matches(['\r', '\n'])));
                if !hit {
                    let _ = writeln!(out, "{file}");
                }
                !hit
            }
            (true, true) => {
                let hit = pattern.find(&contents).is_some();
                if !hit {
                    let _ = writeln!(out, "{file}");
                }
                !hit
            }
        };
        if found {
            code = 1;
        }
    }
    code
}

/// `rungs __fail MESSAGE FILE...`: pre-commit's `fail` language.
pub fn fail(args: &[String]) -> i32 {
    let mut out = std::io::stdout().lock();
    if let Some((message, files)) = args.split_first() {
        let _ = writeln!(out, "{message}\n");
        for f in files {
            let _ = writeln!(out, "{f}");
        }
    }
    1
}

/// `rungs __identity FILE...`: the meta hook that prints what it was given.
pub fn identity(files: &[String]) -> i32 {
    let mut out = std::io::stdout().lock();
    for f in files {
        let _ = writeln!(out, "{f}");
    }
    0
}
