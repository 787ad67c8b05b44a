//! What of a key field is the same on every machine. A remote hit must mean
//! the same inputs anywhere, so a field naming the project's own folder
//! names it by a placeholder, and one naming a place outside the project (a
//! tool in `/opt`, a virtualenv in a home folder, a value only this machine
//! has) has no shared form at all.

use std::path::Path;

/// Reads fields against one project's root.
pub struct Portable {
    root: String,
}

/// Paths that mean the same on every Unix machine.
const EVERYWHERE: [&str; 4] = ["/dev/null", "/dev/stdin", "/dev/stdout", "/dev/stderr"];

const ROOT: &str = "{project}";

impl Portable {
    pub fn new(root: &Path) -> Portable {
        Portable {
            root: root.to_string_lossy().trim_end_matches('/').to_string(),
        }
    }

    /// `text` with the project's folder as a placeholder, or `None` when it
    /// names an absolute path outside the project.
    pub fn text(&self, text: &str) -> Option<String> {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(at) = next_path(rest) {
            out.push_str(&rest[..at]);
            let path_len = rest[at..]
                .find(|c: char| !is_path_char(c))
                .unwrap_or(rest.len() - at);
            let path = &rest[at..at + path_len];
            if let Some(inside) = self.inside(path) {
                out.push_str(ROOT);
                out.push_str(inside);
            } else if EVERYWHERE.contains(&path) {
                out.push_str(path);
            } else {
                return None;
            }
            rest = &rest[at + path_len..];
        }
        out.push_str(rest);
        Some(out)
    }

    /// A tool's version as the key holds it (its answer, and for a Python
    /// tool its virtualenv: Python version, base interpreter's folder,
    /// installed distributions). The base interpreter's folder is where this
    /// machine keeps its Python, which the version beside it already pins.
    pub fn version(&self, version: &str) -> Option<String> {
        let kept: Vec<&str> = version
            .split('\n')
            .filter(|l| l.split('=').next().is_none_or(|k| k.trim() != "home"))
            .collect();
        self.text(&kept.join("\n"))
    }

    /// What follows the project's folder in `path`, when it is in it.
    fn inside<'a>(&self, path: &'a str) -> Option<&'a str> {
        if self.root.is_empty() {
            return None;
        }
        let after = path.strip_prefix(self.root.as_str())?;
        (after.is_empty() || after.starts_with('/')).then_some(after)
    }
}

fn is_path_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '/' | '.' | '_' | '-' | '~' | '+' | '@' | '%')
}

/// Where the next absolute path starts: a `/` at the start of a word
/// (after a space, a quote, `=`, a bracket or a comma), followed by a name.
/// A URL's `//` and a relative `a/b` are not one.
fn next_path(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    (0..bytes.len()).find(|&i| {
        bytes[i] == b'/'
            && (i == 0
                || matches!(
                    bytes[i - 1],
                    b' ' | b'\t' | b'\n' | b'"' | b'\'' | b'=' | b'(' | b'[' | b','
                ))
            && bytes
                .get(i + 1)
                .is_some_and(|&b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'~'))
    })
}

#[cfg(test)]
mod tests {
    use super::Portable;
    use std::path::Path;

    #[test]
    fn the_projects_folder_is_a_placeholder_and_other_places_have_no_shared_form() {
        let p = Portable::new(Path::new("/home/me/proj"));
        assert_eq!(p.text("ruff check").as_deref(), Some("ruff check"));
        assert_eq!(
            p.text("[\"--config\", \"/home/me/proj/ruff.toml\"]")
                .as_deref(),
            Some("[\"--config\", \"{project}/ruff.toml\"]")
        );
        assert_eq!(
            p.text("--out=/dev/null").as_deref(),
            Some("--out=/dev/null")
        );
        assert_eq!(
            p.text("https://example.org/a/b").as_deref(),
            Some("https://example.org/a/b")
        );
        assert_eq!(p.text("src/a.py").as_deref(), Some("src/a.py"));
        assert_eq!(p.text("/opt/tools/mylint"), None);
        assert_eq!(p.text("PYTHONPATH=/home/me/lib"), None);
        // A sibling folder whose name starts like the project's is outside.
        assert_eq!(p.text("/home/me/project2/x"), None);
        assert_eq!(
            p.version("venv\nversion = 3.11.2\nhome = /usr/bin\nruff-0.6.dist-info")
                .as_deref(),
            Some("venv\nversion = 3.11.2\nruff-0.6.dist-info")
        );
        assert_eq!(
            p.text("pip 24.0 from /usr/lib/python3/dist-packages/pip"),
            None
        );
    }
}
