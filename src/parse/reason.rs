//! Why a tool stopped, in a line: the first meaningful lines of its own
//! words, so a collection error or a crash says what went wrong without the
//! user having to run the tool again by hand.

/// At most this many lines make a reason.
const LINES: usize = 3;
/// A longer line is cut, so one runaway message can't flood a report.
const WIDTH: usize = 240;

/// The reason in `output`, joined into one line; `None` when it says nothing.
///
/// A Python traceback's reason is its exception line (what follows the
/// frames); pytest's is its first `E   Name: …` line; anything else's, its
/// first non-blank lines.
pub fn reason(output: &str) -> Option<String> {
    let lines: Vec<&str> = output.lines().map(str::trim_end).collect();
    let picked = python_exception(&lines)
        .or_else(|| pytest_error(&lines))
        .unwrap_or_else(|| {
            lines
                .iter()
                .map(|l| l.trim())
                .filter(|l| !l.is_empty())
                .take(LINES)
                .collect()
        });
    let picked: Vec<String> = picked.iter().map(|l| cut(l)).collect();
    (!picked.is_empty()).then(|| picked.join(" · "))
}

/// The exception a Python program died of, when `output` holds its
/// traceback: `django.core.exceptions.ImproperlyConfigured: …`.
pub fn crash(output: &str) -> Option<String> {
    let lines: Vec<&str> = output.lines().map(str::trim_end).collect();
    let found = python_exception(&lines)?;
    Some(found.iter().map(|l| cut(l)).collect::<Vec<_>>().join(" · "))
}

/// The lines after the last `Traceback (most recent call last):` that are
/// not frames (frames are indented): the exception and its message.
fn python_exception<'a>(lines: &[&'a str]) -> Option<Vec<&'a str>> {
    let start = lines.iter().rposition(|l| {
        l.trim_start()
            .starts_with("Traceback (most recent call last):")
    })?;
    let indent = lines[start].len() - lines[start].trim_start().len();
    let found: Vec<&str> = lines[start + 1..]
        .iter()
        .skip_while(|l| l.len() - l.trim_start().len() > indent || l.trim().is_empty())
        .take_while(|l| !l.trim().is_empty())
        .map(|l| l.trim())
        .take(LINES)
        .collect();
    (!found.is_empty()).then_some(found)
}

/// pytest's `E   ` lines, from the first that names an exception.
fn pytest_error<'a>(lines: &[&'a str]) -> Option<Vec<&'a str>> {
    let errors: Vec<&str> = lines
        .iter()
        .filter_map(|l| l.strip_prefix("E   "))
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let first = errors
        .iter()
        .position(|l| names_exception(l))
        .or_else(|| errors.len().checked_sub(1))?;
    Some(errors[first..].iter().copied().take(LINES).collect())
}

/// `ModuleNotFoundError: …`, `django.core.exceptions.ImproperlyConfigured: …`.
fn names_exception(line: &str) -> bool {
    let Some((name, _)) = line.split_once(':') else {
        return false;
    };
    let last = name.rsplit('.').next().unwrap_or(name);
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        && last.starts_with(|c: char| c.is_ascii_uppercase())
}

fn cut(line: &str) -> String {
    match line.char_indices().nth(WIDTH) {
        Some((i, _)) => format!("{}…", &line[..i]),
        None => line.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::reason;

    #[test]
    fn a_traceback_gives_its_exception() {
        let out = "Traceback (most recent call last):\n  File \"manage.py\", line 22, in <module>\n    main()\nModuleNotFoundError: No module named 'shop.settings'\n";
        assert_eq!(
            reason(out).as_deref(),
            Some("ModuleNotFoundError: No module named 'shop.settings'")
        );
    }

    #[test]
    fn pytest_gives_its_first_exception_line() {
        let out = "tests/test_x.py:1: in <module>\n    import nope\nE   ModuleNotFoundError: No module named 'nope'\n";
        assert_eq!(
            reason(out).as_deref(),
            Some("ModuleNotFoundError: No module named 'nope'")
        );
        let syntax = "E     File \"t.py\", line 1\nE       def x(:\nE             ^\nE   SyntaxError: invalid syntax\n";
        assert_eq!(
            reason(syntax).as_deref(),
            Some("SyntaxError: invalid syntax")
        );
    }

    #[test]
    fn other_output_gives_its_first_lines() {
        let out = "Oops! Something went wrong! :(\n\nESLint: 10.15.0\n\nESLint couldn't find an eslint.config.* file.\n\nFrom ESLint v9.0.0, …\n";
        assert_eq!(
            reason(out).as_deref(),
            Some(
                "Oops! Something went wrong! :( · ESLint: 10.15.0 · ESLint couldn't find an eslint.config.* file."
            )
        );
        assert_eq!(reason(" \n\n"), None);
    }
}
