//! Hook revs as dependencies: each remote repo of `.pre-commit-config.yaml`
//! at a tag, or at a commit frozen with `# frozen: vX.Y`. The newest version
//! comes from the package index for repos mirrored there (the mapping of
//! `precommit/repos.toml`: psf/black is PyPI's black), else from the repo's
//! own tags (`git ls-remote --tags`). The tag keeps the rev's style (`v` or
//! not); a frozen rev moves to the new tag's commit and its comment to the
//! tag. A host that can't be reached is said, and the other bumps go ahead.
//! The candidates are verified and committed like any other bump: the edit
//! is the rev's bytes (see `precommit::rev`), and the verification runs the
//! project's checks, the hook at its new rev among them.

use super::registry::Lookup;
use super::version::{self, Policy};
use super::{Candidate, Dependency, DependencyError, Ecosystem, Package, Release};
use crate::precommit::config::{CONFIG_FILE, Config, RepoSource};
use crate::precommit::repos::{mirrored_as, remote_tags, rev_version};
use crate::precommit::rev::FROZEN;
use std::path::{Path, PathBuf};

/// What the look-up of the hook revs found.
#[derive(Default)]
pub struct Found {
    pub candidates: Vec<Candidate>,
    /// (repo, why) for revs up to date or held back.
    pub skipped: Vec<(String, String)>,
    /// Look-ups that could not be made (a git host out of reach).
    pub notes: Vec<String>,
    pub errors: Vec<DependencyError>,
    /// Remote repos whose rev was looked up.
    pub looked_up: usize,
    /// What each rev was chosen from, to choose again one kind smaller.
    pub known: Vec<Known>,
}

/// A hook rev and the releases it was chosen from.
pub struct Known {
    hook: Hook,
    package: Package,
    tags: Option<Tags>,
}

impl Known {
    /// Whether `dep` is this hook's rev.
    pub fn is(&self, dep: &Dependency) -> bool {
        hook_dependency(&self.hook) == *dep
    }

    /// The bump `policy` allows (a smaller one, after a failure).
    pub fn again(&self, policy: &Policy, now: i64) -> Option<Candidate> {
        candidate(&self.hook, &self.package, self.tags.as_deref(), policy, now)
            .ok()
            .flatten()
    }
}

/// A repo's tags, each with the commit it names.
type Tags = Vec<(String, String)>;

/// One remote repo's rev, read from the config.
struct Hook {
    url: String,
    rev: String,
    frozen: bool,
    /// The version the rev stands for.
    version: String,
    /// `v` when the rev's tag is written `v1.2.3`.
    prefix: &'static str,
    /// The package index that mirrors the repo, if one does.
    package: Option<(Ecosystem, &'static str)>,
}

/// The hook rev bumps `policy` allows for the project at `root`; `only`
/// (names or repo URLs) narrows them as it narrows dependencies.
pub fn look_up(root: &Path, lookup: &Lookup, policy: &Policy, now: i64, only: &[String]) -> Found {
    let mut found = Found::default();
    let path = root.join(CONFIG_FILE);
    if !path.is_file() {
        return found;
    }
    let config = match Config::load(&path) {
        Ok(c) => c,
        Err(e) => {
            found.errors.push(error("", e.to_string()));
            return found;
        }
    };
    let mut hooks = Vec::new();
    for repo in &config.repos {
        let RepoSource::Remote { url, rev, frozen } = &repo.source else {
            continue;
        };
        let package = mirrored_as(url).map(|(index, name)| match index {
            "npm" => (Ecosystem::Node, name),
            _ => (Ecosystem::Python, name),
        });
        let wanted = only.is_empty()
            || only.iter().any(|o| {
                o.eq_ignore_ascii_case(url)
                    || package.is_some_and(|(_, n)| o.eq_ignore_ascii_case(n))
            });
        if !wanted {
            continue;
        }
        let Some(version) = rev_version(rev, frozen.as_deref()) else {
            found.skipped.push((
                url.clone(),
                format!(
                    "rev `{rev}` is a commit with no `# frozen: vX` comment: no version to compare"
                ),
            ));
            continue;
        };
        let tag = frozen.as_deref().unwrap_or(rev);
        hooks.push(Hook {
            url: url.clone(),
            rev: rev.clone(),
            frozen: frozen.is_some(),
            version,
            prefix: if tag.starts_with('v') { "v" } else { "" },
            package,
        });
    }
    // Packages from their registries (all at once), tags from the git hosts
    // (one thread each), at the same time.
    let synthetic: Vec<Dependency> = hooks
        .iter()
        .filter_map(|h| {
            let (ecosystem, name) = h.package?;
            Some(package_dependency(h, ecosystem, name))
        })
        .collect();
    let (packages, tags) = std::thread::scope(|scope| {
        let tags: Vec<_> = hooks
            .iter()
            .map(|h| {
                let needed = h.package.is_none() || h.frozen;
                scope.spawn(move || needed.then(|| remote_tags(&h.url)))
            })
            .collect();
        let packages = lookup.fetch_all(&synthetic);
        let tags: Vec<Option<Result<Tags, String>>> = tags
            .into_iter()
            .map(|t| {
                t.join()
                    .unwrap_or(Some(Err("git ls-remote did not finish".into())))
            })
            .collect();
        (packages, tags)
    });
    found.looked_up = hooks.len();
    let mut packages = packages.into_iter();
    for (hook, tags) in hooks.into_iter().zip(tags) {
        let from_index = hook.package.map(|_| packages.next());
        let tags = match tags {
            None => None,
            Some(Ok(tags)) => Some(tags),
            Some(Err(why)) => {
                let what = if hook.package.is_some() {
                    "the commit of its new tag is unknown, so its frozen rev was not moved"
                } else {
                    "its rev was not bumped"
                };
                found.notes.push(format!(
                    "`{}`: the tags of the repo could not be read ({why}); {what}",
                    hook.url
                ));
                continue;
            }
        };
        let package = match from_index.flatten() {
            Some(Ok(package)) => package,
            Some(Err(e)) => {
                found.errors.push(error(&hook.url, e.message));
                continue;
            }
            None => tags_as_package(&hook, tags.as_deref().unwrap_or_default()),
        };
        match candidate(&hook, &package, tags.as_deref(), policy, now) {
            Ok(Some(c)) => found.candidates.push(c),
            Ok(None) => {}
            Err(Skip::Held(why)) => found.skipped.push((hook.url.clone(), why)),
            Err(Skip::Error(why)) => found.errors.push(error(&hook.url, why)),
        }
        found.known.push(Known {
            hook,
            package,
            tags,
        });
    }
    found
}

enum Skip {
    Held(String),
    Error(String),
}

fn error(name: &str, message: String) -> DependencyError {
    DependencyError {
        name: name.to_string(),
        manifest: PathBuf::from(CONFIG_FILE),
        message,
    }
}

/// The hook's rev as the dependency the report and the edit know.
fn hook_dependency(hook: &Hook) -> Dependency {
    Dependency {
        ecosystem: hook.package.map_or(Ecosystem::Python, |(e, _)| e),
        name: hook.url.clone(),
        manifest: PathBuf::from(CONFIG_FILE),
        section: "repos".into(),
        requirement: hook.rev.clone(),
        current: Some(hook.version.clone()),
    }
}

/// The mirrored package pinned at the rev's version, to look up and choose by.
fn package_dependency(hook: &Hook, ecosystem: Ecosystem, name: &str) -> Dependency {
    Dependency {
        ecosystem,
        name: name.to_string(),
        manifest: PathBuf::from(CONFIG_FILE),
        section: "repos".into(),
        requirement: match ecosystem {
            Ecosystem::Python => format!("=={}", hook.version),
            _ => hook.version.clone(),
        },
        current: Some(hook.version.clone()),
    }
}

/// Tags in the rev's style as releases (their dates are not known, so no
/// cooldown applies); tags that are no version are left out.
fn tags_as_package(hook: &Hook, tags: &[(String, String)]) -> Package {
    let releases = tags
        .iter()
        .filter_map(|(tag, _)| tag_version(hook, tag))
        .map(|version| Release {
            version,
            yanked: false,
            published: None,
            requires_python: None,
            rust_version: None,
        })
        .collect();
    Package {
        releases,
        changelog: None,
    }
}

/// The version a tag in the rev's style stands for.
fn tag_version(hook: &Hook, tag: &str) -> Option<String> {
    let rest = match hook.prefix {
        "v" => tag.strip_prefix('v')?,
        _ if tag.starts_with('v') => return None,
        _ => tag,
    };
    rest.parse::<pep440_rs::Version>()
        .ok()
        .map(|_| rest.to_string())
}

/// The bump of one hook's rev, by the package's (or the tags') releases
/// and the project's policy.
fn candidate(
    hook: &Hook,
    package: &Package,
    tags: Option<&[(String, String)]>,
    policy: &Policy,
    now: i64,
) -> Result<Option<Candidate>, Skip> {
    let (ecosystem, name) = hook.package.unwrap_or((Ecosystem::Python, ""));
    let mut choose_by = package_dependency(hook, ecosystem, name);
    choose_by.name = hook.url.clone();
    let decision = version::decide(&choose_by, package, policy, now, None).map_err(Skip::Error)?;
    let Some(mut c) = decision.candidate else {
        return Err(Skip::Held(if decision.notes.is_empty() {
            "up to date".into()
        } else {
            decision.notes.join("; ")
        }));
    };
    let tag_of = |version: &str| -> Option<&(String, String)> {
        tags?
            .iter()
            .find(|(tag, _)| tag_version(hook, tag).is_some_and(|v| same_version(&v, version)))
    };
    let new_requirement = match (hook.frozen, tag_of(&c.to)) {
        (true, Some((tag, sha))) => format!("{sha}{FROZEN}{tag}"),
        (true, None) => {
            return Err(Skip::Held(format!(
                "{} is out, but the repo has no tag `{}{}` to freeze",
                c.to, hook.prefix, c.to
            )));
        }
        (false, Some((tag, _))) => tag.clone(),
        (false, None) => format!("{}{}", hook.prefix, c.to),
    };
    c.dependency = hook_dependency(hook);
    c.from = Some(hook.version.clone());
    c.new_requirement = new_requirement;
    Ok(Some(c))
}

fn same_version(a: &str, b: &str) -> bool {
    match (
        a.parse::<pep440_rs::Version>(),
        b.parse::<pep440_rs::Version>(),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}
