//! Building a job's command line from its check's template.

/// Expand `{args}` (tier arguments), `{out}` (the job's folder) and `{files}`;
/// files go at the end when the template has no `{files}`. A file name that
/// starts with `-` is passed as `./-name` so no tool reads it as an option.
pub fn expand(
    template: &[String],
    args: &[String],
    out: &str,
    files: &[String],
    append_files: bool,
) -> Vec<String> {
    let safe = |f: &String| {
        if f.starts_with('-') {
            format!("./{f}")
        } else {
            f.clone()
        }
    };
    let mut argv = Vec::new();
    let mut files_placed = false;
    for item in template {
        match item.as_str() {
            "{args}" => argv.extend(args.iter().cloned()),
            "{files}" => {
                argv.extend(files.iter().map(safe));
                files_placed = true;
            }
            _ => argv.push(item.replace("{out}", out)),
        }
    }
    if !template.iter().any(|t| t == "{args}") {
        // Before a trailing `--`, so they stay options.
        let at = if argv.last().is_some_and(|a| a == "--") {
            argv.len() - 1
        } else {
            argv.len()
        };
        argv.splice(at..at, args.iter().cloned());
    }
    if append_files && !files_placed {
        argv.extend(files.iter().map(safe));
    }
    argv
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn dash_files_cannot_become_options() {
        let argv = expand(
            &s(&["ruff", "check", "--"]),
            &[],
            "/o",
            &s(&["-rf.py", "a b.py"]),
            true,
        );
        assert_eq!(argv, s(&["ruff", "check", "--", "./-rf.py", "a b.py"]));
    }

    #[test]
    fn tier_args_go_before_the_separator() {
        let argv = expand(
            &s(&["mypy", "--"]),
            &s(&["--strict"]),
            "/o",
            &s(&["a.py"]),
            true,
        );
        assert_eq!(argv, s(&["mypy", "--strict", "--", "a.py"]));
    }

    #[test]
    fn out_dir_is_substituted_inside_an_argument() {
        let argv = expand(
            &s(&["pytest", "--junitxml={out}/j.xml"]),
            &[],
            "/tmp/x",
            &[],
            false,
        );
        assert_eq!(argv, s(&["pytest", "--junitxml=/tmp/x/j.xml"]));
    }
}
