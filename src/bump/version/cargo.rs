//! Cargo's requirements: SemVer versions, `1.2` meaning `^1.2`, `~`, `=`,
//! comparisons and wildcards, comma-separated.

use super::segments::{self, below, partial, text, truncate};
use super::{Rewrite, Scheme, UpdateKind};

pub(crate) struct Cargo;

impl Scheme for Cargo {
    type Version = semver::Version;
    const RULES: &'static str = "SemVer";

    fn parse(text: &str) -> Option<semver::Version> {
        semver::Version::parse(text.trim()).ok()
    }

    fn is_prerelease(v: &semver::Version) -> bool {
        !v.pre.is_empty()
    }

    fn kind(from: &semver::Version, to: &semver::Version) -> UpdateKind {
        semver_kind(
            [from.major, from.minor, from.patch],
            [to.major, to.minor, to.patch],
        )
    }

    fn rewrite(
        requirement: &str,
        to: &semver::Version,
        to_text: &str,
        move_upper: bool,
    ) -> Rewrite {
        let rel = [to.major, to.minor, to.patch];
        let plain = to.pre.is_empty() && to.build.is_empty();
        let new =
            match rewrite_comparators(requirement, ',', &rel, to_text, plain, move_upper, false) {
                Ok(new) => new,
                Err(rewrite) => return rewrite,
            };
        if new.trim().is_empty() {
            return Rewrite::To(new);
        }
        match semver::VersionReq::parse(&new) {
            Ok(req) if req.matches(to) => Rewrite::To(new),
            _ => Rewrite::Excluded(format!("`{new}` would not admit it")),
        }
    }
}

/// The kind of a SemVer move where, as under `^`, the first non-zero number
/// is the major one.
pub(crate) fn semver_kind(from: [u64; 3], to: [u64; 3]) -> UpdateKind {
    let first = from.iter().position(|&n| n != 0).unwrap_or(2);
    if from[..=first] != to[..=first] {
        UpdateKind::Major
    } else if first == 0 && from[1] != to[1] {
        UpdateKind::Minor
    } else {
        UpdateKind::Patch
    }
}

/// Rewrite each comparator of a Cargo or npm comparator set, split by `sep`.
/// `Err` carries the verdict when one comparator can't take the version.
pub(crate) fn rewrite_comparators(
    requirement: &str,
    sep: char,
    rel: &[u64],
    to_text: &str,
    plain: bool,
    move_upper: bool,
    bare_exact: bool,
) -> Result<String, Rewrite> {
    let cut = |n: usize| {
        if plain {
            text(&truncate(rel, n))
        } else {
            to_text.to_string()
        }
    };
    let mut out = Vec::new();
    for piece in requirement.split(sep) {
        let start = piece.len() - piece.trim_start().len();
        let end = piece.trim_end().len();
        let (lead, body, trail) = (&piece[..start], &piece[start..end], &piece[end..]);
        if body.is_empty() || matches!(body, "*" | "x" | "X") {
            out.push(piece.to_string());
            continue;
        }
        let op = [">=", "<=", "~>", "=", ">", "<", "~", "^"]
            .into_iter()
            .find(|op| body.starts_with(op))
            .unwrap_or("");
        let rest = &body[op.len()..];
        let gap = &rest[..rest.len() - rest.trim_start().len()];
        let written = rest.trim().trim_start_matches('v');
        let core = written.split(['-', '+']).next().unwrap_or(written);
        let Some((old, wildcard)) = partial(core) else {
            return Err(Rewrite::Unsupported(format!(
                "`{written}` in `{requirement}` is not a version"
            )));
        };
        let full = old.len() == 3 && !wildcard;
        let suffix = written[core.len()..].to_string();
        // npm's bare `1.2.3` is exact and its bare `1.2` an x-range, as `=` in Cargo.
        let rule = if op.is_empty() && bare_exact { "=" } else { op };
        let new = match rule {
            // An exact version moves; `=1.2` and `1.2.*` are ranges.
            "=" if full => to_text.to_string(),
            ">=" | ">" => {
                out.push(format!("{lead}>={gap}{to_text}{trail}"));
                continue;
            }
            "<" | "<=" => {
                let within = if op == "<" {
                    below(rel, &old)
                } else {
                    segments::cmp(rel, &old).is_le()
                };
                if within {
                    written.to_string()
                } else if !move_upper {
                    return Err(Rewrite::Beyond);
                } else if op == "<" {
                    text(&segments::raise_upper(&old, rel))
                } else {
                    to_text.to_string()
                }
            }
            _ => {
                let upper = match rule {
                    "~" | "~>" => segments::tilde_upper(&old),
                    _ if wildcard || rule == "=" => segments::wildcard_upper(&old),
                    _ => segments::caret_upper(&old),
                };
                if !below(rel, &upper) && !move_upper {
                    return Err(Rewrite::Beyond);
                }
                if wildcard || rule == "=" {
                    // `1.2.*`, `1.x`, `=1.2`: no lower bound to raise.
                    if below(rel, &upper) {
                        written.to_string()
                    } else {
                        let star = &core[text(&old).len()..];
                        format!("{}{star}", text(&truncate(rel, old.len())))
                    }
                } else if suffix.is_empty() {
                    cut(old.len())
                } else {
                    to_text.to_string()
                }
            }
        };
        out.push(format!("{lead}{op}{gap}{new}{trail}"));
    }
    Ok(out.join(&sep.to_string()))
}
