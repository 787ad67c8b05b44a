//! Just enough of PEP 508 to find a requirement's name and the byte range of
//! its version specifier, so an edit can replace exactly that range. Version
//! semantics are the version chooser's business, not this module's.

use std::ops::Range;

/// A requirement string taken apart: `Django[argon2]>=4.2,<5 ; python_version >= "3.10"`.
#[derive(Clone, Debug, PartialEq)]
pub struct Requirement {
    /// The name as written (`Django`).
    pub name: String,
    /// Where the version specifier is (`>=4.2,<5`), trimmed; `None` when the
    /// requirement has none.
    pub spec: Option<Range<usize>>,
    /// A direct reference (`name @ https://...`): not a registry release.
    pub url: bool,
}

impl Requirement {
    /// The specifier as written, `""` when there is none.
    pub fn spec_text<'a>(&self, source: &'a str) -> &'a str {
        self.spec.clone().map_or("", |r| &source[r])
    }
}

const OPERATORS: [&str; 8] = ["===", "~=", "==", "!=", "<=", ">=", "<", ">"];

/// Parse one requirement; the error says what was expected.
pub fn parse(s: &str) -> Result<Requirement, String> {
    let bytes = s.as_bytes();
    let mut i = skip_ws(s, 0);
    let name_start = i;
    while i < s.len() && (bytes[i].is_ascii_alphanumeric() || b"-_.".contains(&bytes[i])) {
        i += 1;
    }
    let name = &s[name_start..i];
    let well_formed = name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric());
    if !well_formed {
        return Err(format!(
            "expected a requirement like `name>=1.0`, found `{}`",
            s.trim()
        ));
    }
    i = skip_ws(s, i);
    if s[i..].starts_with('[') {
        let Some(close) = s[i..].find(']') else {
            return Err(format!("expected `]` closing the extras in `{}`", s.trim()));
        };
        let extras = &s[i + 1..i + close];
        let valid = extras.split(',').map(str::trim).all(|e| {
            !e.is_empty()
                && e.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        });
        if !valid && !extras.trim().is_empty() {
            return Err(format!(
                "expected extras like `[a,b]`, found `[{extras}]` in `{}`",
                s.trim()
            ));
        }
        i = skip_ws(s, i + close + 1);
    }
    let requirement = |spec| Requirement {
        name: name.to_string(),
        spec,
        url: false,
    };
    if s[i..].starts_with('@') {
        return Ok(Requirement {
            url: true,
            ..requirement(None)
        });
    }
    let (spec_range, rest) = if s[i..].starts_with('(') {
        let Some(close) = s[i..].find(')') else {
            return Err(format!(
                "expected `)` closing the version in `{}`",
                s.trim()
            ));
        };
        (i + 1..i + close, i + close + 1)
    } else {
        let end = s[i..].find(';').map_or(s.len(), |p| i + p);
        (i..end, end)
    };
    let rest = skip_ws(s, rest);
    if rest < s.len() && !s[rest..].starts_with(';') {
        return Err(format!(
            "expected `;` and an environment marker after the version, found `{}`",
            s[rest..].trim()
        ));
    }
    if rest < s.len() && s[rest + 1..].trim().is_empty() {
        return Err(format!(
            "expected an environment marker after `;` in `{}`",
            s.trim()
        ));
    }
    let spec = trim_range(s, spec_range);
    if spec.is_empty() {
        return Ok(requirement(None));
    }
    for clause in s[spec.clone()].split(',') {
        check_clause(clause.trim())?;
    }
    Ok(requirement(Some(spec)))
}

/// One `op version` clause of a specifier, e.g. `>=4.2` or `== 3.*`.
pub fn check_clause(clause: &str) -> Result<(), String> {
    let op = OPERATORS.iter().find(|op| clause.starts_with(**op));
    let version = op.map_or("", |op| clause[op.len()..].trim());
    let valid = !version.is_empty()
        && version
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".*+!_-".contains(&b));
    if valid {
        Ok(())
    } else {
        Err(format!(
            "expected a version specifier like `>=1.0` or `==1.2.3`, found `{clause}`"
        ))
    }
}

/// PEP 503: the name registries and lock files compare by.
pub fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
        } else {
            if sep && !out.is_empty() {
                out.push('-');
            }
            sep = false;
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

fn skip_ws(s: &str, mut i: usize) -> usize {
    let bytes = s.as_bytes();
    while i < s.len() && bytes[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

fn trim_range(s: &str, r: Range<usize>) -> Range<usize> {
    let text = &s[r.clone()];
    let start = r.start + (text.len() - text.trim_start().len());
    let end = r.end - (text.len() - text.trim_end().len());
    start..end.max(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(s: &str) -> (String, String) {
        let r = parse(s).unwrap();
        (r.name.clone(), r.spec_text(s).to_string())
    }

    #[test]
    fn names_extras_specifiers_and_markers() {
        assert_eq!(spec("blinker>=1.9.0"), ("blinker".into(), ">=1.9.0".into()));
        assert_eq!(
            spec("psycopg[binary, pool] >= 3.1 , <4 ; sys_platform != 'win32'"),
            ("psycopg".into(), ">= 3.1 , <4".into())
        );
        assert_eq!(
            spec("importlib-metadata>=3.6.0; python_version < '3.10'"),
            ("importlib-metadata".into(), ">=3.6.0".into())
        );
        assert_eq!(spec("name (>=1.0)"), ("name".into(), ">=1.0".into()));
        assert_eq!(spec("ruff"), ("ruff".into(), "".into()));
        assert_eq!(
            spec("gha-update ; python_full_version >= '3.12'"),
            ("gha-update".into(), "".into())
        );
        assert!(
            parse("django @ https://github.com/django/django/archive/main.tar.gz")
                .unwrap()
                .url
        );
    }

    #[test]
    fn malformed_requirements_say_what_was_expected() {
        assert!(
            parse("=>1.0")
                .unwrap_err()
                .contains("expected a requirement")
        );
        assert!(
            parse("django=>4.2")
                .unwrap_err()
                .contains("version specifier")
        );
        assert!(parse("django[argon2>=4").unwrap_err().contains("`]`"));
        assert!(parse("django>=4.2;").unwrap_err().contains("marker"));
    }

    #[test]
    fn normalized_names() {
        assert_eq!(normalize("Django_Environ"), "django-environ");
        assert_eq!(normalize("backports.zoneinfo"), "backports-zoneinfo");
        assert_eq!(normalize("a--b__c"), "a-b-c");
    }
}
