//! npm's ranges (node-semver): `^1.2.3`, `~1.2.3`, exact `1.2.3`, x-ranges
//! (`1.x`, `1`), comparisons separated by spaces.

use super::cargo::{rewrite_comparators, semver_kind};
use super::{Rewrite, Scheme, UpdateKind};
use nodejs_semver::{Range, Version};

pub(crate) struct Npm;

impl Scheme for Npm {
    type Version = Version;
    const RULES: &'static str = "npm SemVer";

    fn parse(text: &str) -> Option<Version> {
        Version::parse(text.trim()).ok()
    }

    fn is_prerelease(v: &Version) -> bool {
        v.is_prerelease()
    }

    fn kind(from: &Version, to: &Version) -> UpdateKind {
        semver_kind(
            [from.major(), from.minor(), from.patch()],
            [to.major(), to.minor(), to.patch()],
        )
    }

    fn rewrite(requirement: &str, to: &Version, to_text: &str, move_upper: bool) -> Rewrite {
        let trimmed = requirement.trim();
        if trimmed.contains(':') || trimmed.contains('/') {
            return Rewrite::Unsupported(format!(
                "`{requirement}` is not a registry version range"
            ));
        }
        if trimmed.is_empty()
            || trimmed
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() && !matches!(c, 'x' | 'X' | 'v'))
        {
            // A dist-tag (`latest`, `next`) or no range: it follows the registry.
            return Rewrite::To(requirement.to_string());
        }
        let range = match Range::parse(trimmed) {
            Ok(range) => range,
            Err(e) => {
                return Rewrite::Unsupported(format!("`{requirement}` is not an npm range ({e})"));
            }
        };
        let include_pre = to.is_prerelease();
        if trimmed.contains("||") || trimmed.contains(" - ") {
            return if to.satisfies_with_prerelease(&range, include_pre) {
                Rewrite::To(requirement.to_string())
            } else {
                Rewrite::Unsupported(format!(
                    "rungs does not rewrite `||` or hyphen ranges like `{requirement}`"
                ))
            };
        }
        // `>= 1.2.3` may put a space after the operator: join it back first.
        let mut tokens: Vec<String> = Vec::new();
        for token in trimmed.split_whitespace() {
            match tokens.last_mut() {
                Some(last)
                    if matches!(last.as_str(), ">=" | "<=" | ">" | "<" | "=" | "^" | "~") =>
                {
                    last.push_str(token)
                }
                _ => tokens.push(token.to_string()),
            }
        }
        let joined = tokens.join(" ");
        let rel = [to.major(), to.minor(), to.patch()];
        let plain = !to.is_prerelease() && to.build().is_empty();
        let new = match rewrite_comparators(&joined, ' ', &rel, to_text, plain, move_upper, true) {
            Ok(new) => new,
            Err(verdict) => return verdict,
        };
        match Range::parse(&new) {
            Ok(range) if to.satisfies_with_prerelease(&range, include_pre) => Rewrite::To(new),
            _ => Rewrite::Excluded(format!("`{new}` would not admit it")),
        }
    }
}
