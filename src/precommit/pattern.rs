//! pre-commit's `files` and `exclude` are Python regular expressions, searched
//! (not matched) against each path. This module turns one into a Rust regex
//! that means the same, or says why it can't: never a silent difference.

/// A compiled `files` / `exclude` pattern.
#[derive(Clone, Debug)]
pub struct Pattern {
    source: String,
    regex: fancy_regex::Regex,
}

impl Pattern {
    pub fn new(python: &str) -> Result<Pattern, String> {
        let translated = translate(python);
        let regex = fancy_regex::RegexBuilder::new(&translated)
            .build()
            .map_err(|e| format!("`{python}` is not a regular expression rungs can run: {e}"))?;
        Ok(Pattern {
            source: python.to_string(),
            regex,
        })
    }

    /// `re.search(pattern, path)`: a match anywhere. A pattern that gives up
    /// (backtracking past its limit) counts as a match, so the file is
    /// included or excluded as if matched, and said nowhere else: it errs
    /// towards checking more rather than less only for `files`.
    pub fn search(&self, path: &str) -> bool {
        self.regex.is_match(path).unwrap_or(true)
    }

    /// Where the first match starts.
    pub fn find(&self, text: &str) -> Option<usize> {
        self.regex.find(text).ok().flatten().map(|m| m.start())
    }

    pub fn as_str(&self) -> &str {
        &self.source
    }
}

/// Python's syntax where it differs from Rust's: `\Z`, a brace that is not a
/// quantifier, `{,n}`, and set operators (`[`, `&&`, `--`, `~~`) that Python
/// reads literally inside a character class.
fn translate(python: &str) -> String {
    let chars: Vec<char> = python.chars().collect();
    let mut out = String::with_capacity(python.len() + 8);
    let mut i = 0;
    let mut in_class = false;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' if i + 1 < chars.len() => {
                let next = chars[i + 1];
                if next == 'Z' && !in_class {
                    out.push_str("\\z");
                } else {
                    out.push(c);
                    out.push(next);
                }
                i += 2;
                continue;
            }
            '[' if !in_class => {
                in_class = true;
                out.push('[');
                // `[]` and `[^]` open a class whose first member is `]`.
                if chars.get(i + 1) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
                if chars.get(i + 1) == Some(&']') {
                    out.push_str("\\]");
                    i += 1;
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            '[' | '&' | '~' if in_class => {
                out.push('\\');
                out.push(c);
            }
            '-' if in_class && chars.get(i + 1) == Some(&'-') => {
                out.push_str("\\-");
            }
            '{' if !in_class => match quantifier(&chars[i..]) {
                Some((text, len)) => {
                    out.push_str(&text);
                    i += len;
                    continue;
                }
                None => out.push_str("\\{"),
            },
            '}' if !in_class => out.push_str("\\}"),
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

/// `{m}`, `{m,}`, `{m,n}` or `{,n}` at the start of `chars`, as Rust writes it.
fn quantifier(chars: &[char]) -> Option<(String, usize)> {
    let close = chars.iter().position(|&c| c == '}')?;
    let inner: String = chars[1..close].iter().collect();
    let (low, high) = match inner.split_once(',') {
        Some((low, high)) => (low, Some(high)),
        None => (inner.as_str(), None),
    };
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if !digits(low)
        || !high.is_none_or(digits)
        || (low.is_empty() && high.is_none_or(str::is_empty))
    {
        return None;
    }
    let low = if low.is_empty() { "0" } else { low };
    let text = match high {
        Some(high) => format!("{{{low},{high}}}"),
        None => format!("{{{low}}}"),
    };
    Some((text, close + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(p: &str, path: &str) -> bool {
        Pattern::new(p).unwrap().search(path)
    }

    #[test]
    fn python_patterns_mean_the_same() {
        assert!(hit(r"\.py$", "a/b.py"));
        assert!(!hit(r"^\.py$", "a/b.py"), "search, anchored");
        assert!(
            hit(r"migrations/", "app/migrations/0001.py"),
            "search finds it anywhere"
        );
        assert!(hit(r"^docs/.*\Z", "docs/x.rst"));
        assert!(hit(r"^(?!tests/).*\.py$", "src/a.py"), "lookahead");
        assert!(!hit(r"^(?!tests/).*\.py$", "tests/a.py"));
        assert!(
            hit(r"a{", "xa{y"),
            "a brace that is no quantifier is literal"
        );
        assert!(hit(r"^a{,2}b$", "aab"));
        assert!(
            hit(r"[[]x", "[x"),
            "Python reads [ inside a class literally"
        );
        assert!(hit(r"[a&&b]", "&"));
        assert!(hit(r"[]a]", "]"));
        let verbose = "(?x)^(\n    docs/conf\\.py|  # sphinx\n    setup\\.py\n)$";
        assert!(hit(verbose, "setup.py"));
        assert!(!hit(verbose, "docs/index.rst"));
        assert!(hit(r"(?P<n>a)(?P=n)", "aa"), "named back-reference");
    }

    #[test]
    fn a_pattern_rungs_cannot_run_is_an_error() {
        let e = Pattern::new(r"(unclosed").unwrap_err();
        assert!(e.contains("`(unclosed`"), "{e}");
    }
}
