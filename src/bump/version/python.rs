//! PEP 440 versions and specifiers (`>=4.2,<5`, `==4.2.7`, `~=4.2`), and
//! Poetry's `^`/`~`/bare versions, which pyproject's `[tool.poetry]` uses.

use super::segments::{self, below, partial, text, truncate};
use super::{Release, Rewrite, Scheme, UpdateKind};
use pep440_rs::{Version, VersionSpecifiers};
use std::str::FromStr;

pub(crate) struct Pep440;

impl Scheme for Pep440 {
    type Version = Version;
    const RULES: &'static str = "PEP 440";

    fn parse(text: &str) -> Option<Version> {
        Version::from_str(text.trim()).ok()
    }

    fn is_prerelease(v: &Version) -> bool {
        v.any_prerelease()
    }

    fn kind(from: &Version, to: &Version) -> UpdateKind {
        let part = |v: &Version, i: usize| v.release().get(i).copied().unwrap_or(0);
        if from.epoch() != to.epoch() || part(from, 0) != part(to, 0) {
            UpdateKind::Major
        } else if part(from, 1) != part(to, 1) {
            UpdateKind::Minor
        } else {
            UpdateKind::Patch
        }
    }

    fn rewrite(requirement: &str, to: &Version, to_text: &str, move_upper: bool) -> Rewrite {
        if requirement.trim().is_empty() || requirement.trim() == "*" {
            return Rewrite::To(requirement.to_string());
        }
        // A plain release can be cut to the precision the user wrote; a
        // pre/post/dev release can't without admitting less than itself.
        let plain = to.epoch() == 0
            && to.pre().is_none()
            && to.post().is_none()
            && to.dev().is_none()
            && to.local().is_empty();
        let cut = |n: usize| {
            if plain {
                text(&truncate(to.release(), n))
            } else {
                to_text.to_string()
            }
        };
        let rel = to.release();
        let mut poetry = false;
        let mut clauses = Vec::new();
        for clause in requirement.split(',') {
            let start = clause.len() - clause.trim_start().len();
            let end = clause.trim_end().len();
            let (lead, body, trail) = (&clause[..start], &clause[start..end], &clause[end..]);
            let op = ["===", "==", "!=", "~=", "<=", ">=", "<", ">", "^", "~"]
                .into_iter()
                .find(|op| body.starts_with(op))
                .unwrap_or("");
            let rest = &body[op.len()..];
            let gap = &rest[..rest.len() - rest.trim_start().len()];
            let written = rest.trim();
            let numbers = || {
                partial(written.trim_end_matches(".*"))
                    .map(|(n, _)| n)
                    .or_else(|| Self::parse(written).map(|v| v.release().to_vec()))
            };
            let Some(old) = numbers() else {
                return Rewrite::Unsupported(format!(
                    "`{written}` in `{requirement}` is not a version"
                ));
            };
            let (new_op, new) = match op {
                "==" if written.ends_with(".*") => {
                    if below(rel, &segments::wildcard_upper(&old)) {
                        (op, written.to_string())
                    } else if move_upper {
                        (op, format!("{}.*", text(&truncate(rel, old.len()))))
                    } else {
                        return Rewrite::Beyond;
                    }
                }
                "==" | "===" | "" => {
                    poetry |= op.is_empty();
                    (op, to_text.to_string())
                }
                "!=" => (op, written.to_string()),
                ">=" | ">" => (">=", to_text.to_string()),
                "~=" | "^" | "~" => {
                    poetry |= op != "~=";
                    let upper = match op {
                        "~=" => segments::compatible_upper(&old),
                        "^" => segments::caret_upper(&old),
                        _ => segments::tilde_upper(&old),
                    };
                    if !below(rel, &upper) && !move_upper {
                        return Rewrite::Beyond;
                    }
                    let n = if op == "~=" {
                        old.len().max(2)
                    } else {
                        old.len()
                    };
                    (op, cut(n))
                }
                "<" | "<=" => {
                    let within = if op == "<" {
                        below(rel, &old)
                    } else {
                        segments::cmp(rel, &old).is_le()
                    };
                    if within {
                        (op, written.to_string())
                    } else if !move_upper {
                        return Rewrite::Beyond;
                    } else if op == "<" {
                        (op, text(&segments::raise_upper(&old, rel)))
                    } else {
                        (op, to_text.to_string())
                    }
                }
                _ => unreachable!("every operator is listed"),
            };
            clauses.push(format!("{lead}{new_op}{gap}{new}{trail}"));
        }
        let new = clauses.join(",");
        if !poetry {
            let admits = VersionSpecifiers::from_str(&new)
                .map(|s| s.contains(to))
                .unwrap_or(false);
            if !admits {
                return Rewrite::Excluded(format!("`{new}` would not admit it"));
            }
        }
        Rewrite::To(new)
    }
}

/// Why a release's `requires-python` excludes the project's Python, if it does.
/// An unreadable `requires-python` is ignored, as pip ignores it.
pub(crate) fn fits_python(release: &Release, python: Option<&Version>) -> Option<String> {
    let (python, requires) = (python?, release.requires_python.as_deref()?);
    let specifiers = VersionSpecifiers::from_str(requires).ok()?;
    (!specifiers.contains(python))
        .then(|| format!("requires Python {requires}, the project uses {python}"))
}
