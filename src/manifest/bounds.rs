//! What version a requirement says is in use when no lock file says better:
//! the pinned version, else the lower bound. Each ecosystem writes pins and
//! ranges its own way.

/// The version in use: the pinned one, else the lock file's, else the
/// requirement's lower bound.
pub fn current(
    pinned: Option<String>,
    locked: impl FnOnce() -> Option<String>,
    lower: impl FnOnce() -> Option<String>,
) -> Option<String> {
    pinned.or_else(locked).or_else(lower)
}

/// The version a PEP 440 specifier pins (`==4.2.7`, not `==4.*`).
pub fn python_pinned(spec: &str) -> Option<String> {
    spec.split(',').map(str::trim).find_map(|c| {
        let v = c
            .strip_prefix("===")
            .or_else(|| c.strip_prefix("=="))?
            .trim();
        (!v.contains('*')).then(|| v.to_string())
    })
}

/// PEP 440 specifier (`==4.2.7`, `>=4.2,<5`, `~=3.14.0`).
pub fn python(spec: &str) -> Option<String> {
    python_pinned(spec).or_else(|| {
        spec.split(',').map(str::trim).find_map(|c| {
            let v = [">=", "~=", "==", ">"]
                .iter()
                .find_map(|op| c.strip_prefix(op))?
                .trim();
            Some(v.strip_suffix(".*").unwrap_or(v).to_string())
        })
    })
}

/// The version a Poetry constraint pins (`2.0`, `==2.0`).
pub fn poetry_pinned(constraint: &str) -> Option<String> {
    let c = constraint.trim();
    let v = c.strip_prefix("==").unwrap_or(c).trim();
    let exact = v.starts_with(|ch: char| ch.is_ascii_digit())
        && !v.contains(['*', ',', ' ', '|', '<', '>']);
    exact.then(|| v.to_string())
}

/// Poetry constraint (`^2.13.0`, `~1.2`, `>=7.5.1,<9`, `2.0` is exact).
pub fn poetry(constraint: &str) -> Option<String> {
    let first = constraint.split("||").next()?.trim();
    let clauses = first
        .split([',', ' '])
        .map(str::trim)
        .filter(|c| !c.is_empty());
    for c in clauses {
        if c.starts_with(|ch: char| ch.is_ascii_digit()) && !c.contains('*') {
            return Some(c.to_string());
        }
        let v = ["==", ">=", "~=", "^", "~", "=", ">"]
            .iter()
            .find_map(|op| c.strip_prefix(op));
        if let Some(v) = v {
            let v = v.trim();
            return Some(v.strip_suffix(".*").unwrap_or(v).to_string());
        }
    }
    None
}

/// Whether a Cargo requirement pins one version (`=1.2.3`).
pub fn cargo_pinned(req: &str) -> Option<String> {
    let req = req.trim();
    let v = req.strip_prefix('=')?.trim();
    (!req.contains(',')).then(|| pad(v))
}

/// Cargo requirement (`1.0`, `^1.2`, `~0.4`, `>=1, <2`, `=1.2.3`).
pub fn cargo(req: &str) -> Option<String> {
    cargo_pinned(req).or_else(|| {
        req.split(',').map(str::trim).find_map(|c| {
            let v = ["^", "~", ">=", "=", ">"]
                .iter()
                .find_map(|op| c.strip_prefix(op))
                .unwrap_or(c)
                .trim();
            v.starts_with(|ch: char| ch.is_ascii_digit())
                .then(|| pad(v))
        })
    })
}

/// The version an npm range pins (`1.4.7`, `=1.4.7`).
pub fn npm_pinned(range: &str) -> Option<String> {
    let r = range.trim();
    let v = r.strip_prefix('=').unwrap_or(r).trim();
    let v = v.strip_prefix('v').unwrap_or(v);
    let core = v.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    let exact = parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        && !v.contains(' ');
    exact.then(|| v.to_string())
}

/// npm range (`^4.4.0`, `~3.0.2`, `1.4.7`, `>=1 <2`, `1.x`, `1.2.3 - 2`).
pub fn npm(range: &str) -> Option<String> {
    let first = range.split("||").next()?.trim();
    let c = first.split_whitespace().next()?;
    let v = ["^", "~", ">=", "=", ">", "v"]
        .iter()
        .find_map(|op| c.strip_prefix(op))
        .unwrap_or(c);
    let v = v.strip_prefix('v').unwrap_or(v);
    v.starts_with(|ch: char| ch.is_ascii_digit())
        .then(|| pad(v))
}

/// `1.0` -> `1.0.0`, `1.x` -> `1.0.0`: semver wants three numbers.
fn pad(v: &str) -> String {
    let (core, rest) = match v.find(['-', '+']) {
        Some(i) => v.split_at(i),
        None => (v, ""),
    };
    let mut parts: Vec<&str> = core
        .split('.')
        .map(|p| if matches!(p, "*" | "x" | "X") { "0" } else { p })
        .collect();
    while parts.len() < 3 {
        parts.push("0");
    }
    format!("{}{rest}", parts.join("."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_pins_then_lower_bounds() {
        assert_eq!(python("==4.2.7").as_deref(), Some("4.2.7"));
        assert_eq!(python(">=4.2,<5").as_deref(), Some("4.2"));
        assert_eq!(python("<5, >= 4.2").as_deref(), Some("4.2"));
        assert_eq!(python("~=3.14.0").as_deref(), Some("3.14.0"));
        assert_eq!(python("==9.*").as_deref(), Some("9"));
        assert_eq!(python("<9"), None);
    }

    #[test]
    fn poetry_constraints() {
        assert_eq!(poetry("^2.13.0").as_deref(), Some("2.13.0"));
        assert_eq!(poetry(">=7.5.1,<9").as_deref(), Some("7.5.1"));
        assert_eq!(poetry(">=4.0.0, <5.0").as_deref(), Some("4.0.0"));
        assert_eq!(poetry("2.0").as_deref(), Some("2.0"));
        assert_eq!(poetry("*"), None);
    }

    #[test]
    fn cargo_and_npm_pad_to_three_numbers() {
        assert_eq!(cargo("1.0").as_deref(), Some("1.0.0"));
        assert_eq!(cargo("=0.4.23").as_deref(), Some("0.4.23"));
        assert_eq!(cargo(">=1.2, <2").as_deref(), Some("1.2.0"));
        assert_eq!(cargo("2").as_deref(), Some("2.0.0"));
        assert_eq!(cargo_pinned("1.0"), None);
        assert_eq!(npm("^4.4.0").as_deref(), Some("4.4.0"));
        assert_eq!(npm("1.4.7").as_deref(), Some("1.4.7"));
        assert_eq!(npm("~3.0.2").as_deref(), Some("3.0.2"));
        assert_eq!(npm("1.x").as_deref(), Some("1.0.0"));
        assert_eq!(npm(">=1.2 <2 || ^3").as_deref(), Some("1.2.0"));
        assert_eq!(npm("1.0.0-beta.2").as_deref(), Some("1.0.0-beta.2"));
        assert_eq!(npm("latest"), None);
        assert_eq!(npm_pinned("1.4.7").as_deref(), Some("1.4.7"));
        assert_eq!(npm_pinned("^1.4.7"), None);
        assert_eq!(npm_pinned("1.4"), None);
        assert_eq!(poetry_pinned("2.0").as_deref(), Some("2.0"));
        assert_eq!(poetry_pinned("^2.0"), None);
        assert_eq!(python_pinned(">=1,<2"), None);
    }
}
