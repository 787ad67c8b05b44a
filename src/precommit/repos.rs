//! Where each repo's hook definitions and code come from: `local` and `meta`
//! from the config itself; a remote repo cloned with git at its `rev`, once
//! per (URL, rev), into the cache dir; and when the git host can't be
//! reached, a well-known repo from its package on the registry at the same
//! version (`precommit/repos.toml`), with its definitions from
//! `precommit/hooks/`.

use super::config::{HookEntry, MANIFEST_FILE, parse_manifest};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// How a hook's code gets into its environment.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Code {
    /// `local` and `meta` hooks: nothing to install but their dependencies.
    None,
    /// A clone of the repo at its rev (installed with `pip install DIR` ...).
    Clone(PathBuf),
    /// The repo's package on PyPI at the rev's version.
    Pypi { name: String, version: String },
    /// The repo's package on npm at the rev's version.
    Npm { name: String, version: String },
}

/// A remote repo, ready: its hook definitions and where its code is.
#[derive(Clone, Debug)]
pub struct Fetched {
    pub definitions: Vec<HookEntry>,
    pub code: Code,
    /// Said by `rungs plan`: how it was found (`git`, `PyPI ruff==0.15.9` ...).
    pub how: String,
    /// The package and version a well-known repo's rev stands for
    /// (`ruff==0.15.9`, `prettier@3.3.0`), however it was fetched.
    pub package: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Known {
    repo: Vec<KnownRepo>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KnownRepo {
    urls: Vec<String>,
    pypi: Option<String>,
    npm: Option<String>,
    hooks: String,
}

const HOOK_FILES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/precommit-hooks.rs"));

fn known() -> &'static Known {
    static KNOWN: OnceLock<Known> = OnceLock::new();
    KNOWN.get_or_init(|| {
        toml::from_str(include_str!("../../precommit/repos.toml"))
            .expect("precommit/repos.toml is checked by a test")
    })
}

/// `https://GitHub.com/PyCQA/isort.git/` and `https://github.com/pycqa/isort` are one repo.
fn normalize(url: &str) -> String {
    let url = url.trim().trim_end_matches('/').to_lowercase();
    url.strip_suffix(".git").unwrap_or(&url).to_string()
}

fn known_repo(url: &str) -> Option<&'static KnownRepo> {
    let url = normalize(url);
    known()
        .repo
        .iter()
        .find(|r| r.urls.iter().any(|u| normalize(u) == url))
}

/// The version a rev stands for: a tag with one leading `v` dropped, or what
/// a `# frozen:` comment says of a SHA.
fn version_of(rev: &str, frozen: Option<&str>) -> Option<String> {
    let tag = match frozen {
        Some(f) => f,
        None if is_sha(rev) => return None,
        None => rev,
    };
    let version = tag.strip_prefix('v').unwrap_or(tag);
    // Mirrors re-tag a release to fix their hooks (`v0.910-1`): still 0.910.
    let version = match version.rsplit_once('-') {
        Some((head, n)) if head.contains('.') && n.chars().all(|c| c.is_ascii_digit()) => head,
        _ => version,
    };
    Some(version.to_string())
}

fn is_sha(rev: &str) -> bool {
    rev.len() >= 7 && rev.len() <= 40 && rev.chars().all(|c| c.is_ascii_hexdigit())
}

/// A remote repo's definitions: by git when its host answers, else from the
/// registry. The error names the repo, the rev and what was tried.
pub fn fetch(
    cache_root: &Path,
    url: &str,
    rev: &str,
    frozen: Option<&str>,
) -> Result<Fetched, String> {
    let git = match clone(cache_root, url, rev) {
        Ok(dir) => {
            let manifest = dir.join(MANIFEST_FILE);
            let text = std::fs::read_to_string(&manifest)
                .map_err(|e| format!("{url} at {rev} has no readable {MANIFEST_FILE}: {e}"))?;
            let definitions = parse_manifest(&manifest, &text).map_err(|e| e.to_string())?;
            return Ok(Fetched {
                definitions,
                code: Code::Clone(dir),
                how: "git".into(),
                package: package_of(url, rev, frozen),
            });
        }
        Err(e) => e,
    };
    let Some(repo) = known_repo(url) else {
        return Err(format!(
            "could not fetch {url} at {rev}: {git}; nor is it a repo rungs knows as a package on PyPI or npm"
        ));
    };
    let Some(version) = version_of(rev, frozen) else {
        return Err(format!(
            "could not fetch {url} at {rev}: {git}; its package could stand in, but `{rev}` is a commit: add a `# frozen: vX.Y` comment naming its version"
        ));
    };
    let definitions = definitions(&repo.hooks)?;
    let (code, how) = match (&repo.pypi, &repo.npm) {
        (Some(name), _) => (
            Code::Pypi {
                name: name.clone(),
                version: version.clone(),
            },
            format!("PyPI {name}=={version} (git host unreachable)"),
        ),
        (None, Some(name)) => (
            Code::Npm {
                name: name.clone(),
                version: version.clone(),
            },
            format!("npm {name}@{version} (git host unreachable)"),
        ),
        (None, None) => (
            Code::None,
            "rungs's copy of its definitions (git host unreachable)".into(),
        ),
    };
    Ok(Fetched {
        definitions,
        code,
        how,
        package: package_of(url, rev, frozen),
    })
}

/// `name==version` (`name@version` on npm) of a well-known repo at `rev`.
fn package_of(url: &str, rev: &str, frozen: Option<&str>) -> Option<String> {
    let repo = known_repo(url)?;
    let version = version_of(rev, frozen)?;
    match (&repo.pypi, &repo.npm) {
        (Some(name), _) => Some(format!("{name}=={version}")),
        (None, Some(name)) => Some(format!("{name}@{version}")),
        _ => None,
    }
}

/// The bundled hook definitions named `name`.
fn definitions(name: &str) -> Result<Vec<HookEntry>, String> {
    let (_, text) = HOOK_FILES
        .iter()
        .find(|(n, _)| *n == name)
        .ok_or_else(|| format!("precommit/hooks/{name}.yaml is missing from rungs"))?;
    parse_manifest(
        Path::new(&format!("<built-in>/precommit/hooks/{name}.yaml")),
        text,
    )
    .map_err(|e| e.to_string())
}

/// `git` with none of the variables a surrounding hook sets to name its
/// repository (GIT_DIR, GIT_INDEX_FILE ...), never asking for a password.
fn git(dir: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.current_dir(dir)
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_ASKPASS", "true")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for key in [
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_OBJECT_DIRECTORY",
        "GIT_ALTERNATE_OBJECT_DIRECTORIES",
        "GIT_COMMON_DIR",
        "GIT_PREFIX",
    ] {
        cmd.env_remove(key);
    }
    cmd
}

const GIT_TIMEOUT: Duration = Duration::from_secs(120);

fn run_git(dir: &Path, args: &[&str]) -> Result<(), String> {
    let mut child = git(dir)
        .args(args)
        .spawn()
        .map_err(|e| format!("git could not start: {e}"))?;
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                let mut err = String::new();
                if let Some(mut stderr) = child.stderr.take() {
                    let _ = std::io::Read::read_to_string(&mut stderr, &mut err);
                }
                return match status.success() {
                    true => Ok(()),
                    false => Err(format!(
                        "git {} failed: {}",
                        args.first().copied().unwrap_or_default(),
                        err.lines()
                            .find(|l| l.starts_with("fatal:"))
                            .or(err.lines().next())
                            .unwrap_or("")
                            .trim()
                    )),
                };
            }
            Ok(None) if start.elapsed() > GIT_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "git {} gave no answer in {}s",
                    args[0],
                    GIT_TIMEOUT.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(format!("git: {e}")),
        }
    }
}

/// How long `git ls-remote` may take before its host counts as out of reach.
const LS_REMOTE_TIMEOUT: Duration = Duration::from_secs(30);
const LS_REMOTE_HEDGE: Duration = Duration::from_millis(1500);

/// The tags of the repo at `url`, each with the commit it names (an
/// annotated tag peeled to its commit, as `autoupdate --freeze` writes).
pub fn remote_tags(url: &str) -> Result<Vec<(String, String)>, String> {
    // A second `git ls-remote` starts beside a first that has not answered
    // in 1.5 s: git resolves the host itself, and a resolver that drops the
    // IPv6 half of a query stalls it for 5 s (see bump's registry look-ups).
    let (tx, rx) = std::sync::mpsc::channel();
    let start = Instant::now();
    let mut started = 0;
    let out = loop {
        if started < 2 {
            let mut cmd = git(Path::new("."));
            cmd.args(["ls-remote", "--tags", "--", url])
                .stdout(Stdio::piped());
            let tx = tx.clone();
            std::thread::spawn(move || {
                let _ = tx.send(cmd.output());
            });
            started += 1;
        }
        let wait = match started {
            1 => LS_REMOTE_HEDGE,
            _ => LS_REMOTE_TIMEOUT.saturating_sub(start.elapsed()),
        };
        match rx.recv_timeout(wait) {
            Ok(Ok(out)) => break out,
            Ok(Err(e)) => return Err(format!("git could not start: {e}")),
            Err(_) if started < 2 => continue,
            Err(_) => {
                return Err(format!(
                    "git ls-remote gave no answer in {}s",
                    LS_REMOTE_TIMEOUT.as_secs()
                ));
            }
        }
    };
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let why = err
            .lines()
            .find(|l| l.starts_with("fatal:"))
            .or(err.lines().next())
            .unwrap_or("")
            .trim();
        return Err(format!("git ls-remote failed: {why}"));
    }
    let mut tags: Vec<(String, String)> = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Some((sha, name)) = line.split_once('\t') else {
            continue;
        };
        let Some(tag) = name.strip_prefix("refs/tags/") else {
            continue;
        };
        match tag.strip_suffix("^{}") {
            // The peeled line follows its tag: the commit wins.
            Some(tag) => match tags.iter_mut().find(|(t, _)| t == tag) {
                Some(entry) => entry.1 = sha.to_string(),
                None => tags.push((tag.to_string(), sha.to_string())),
            },
            None => tags.push((tag.to_string(), sha.to_string())),
        }
    }
    Ok(tags)
}

/// The package a well-known repo is mirrored as: (`pypi` or `npm`, name).
pub fn mirrored_as(url: &str) -> Option<(&'static str, &'static str)> {
    let repo = known_repo(url)?;
    match (&repo.pypi, &repo.npm) {
        (Some(name), _) => Some(("pypi", name.as_str())),
        (None, Some(name)) => Some(("npm", name.as_str())),
        _ => None,
    }
}

/// The version a rev stands for (see `version_of`), for the bump job.
pub fn rev_version(rev: &str, frozen: Option<&str>) -> Option<String> {
    version_of(rev, frozen)
}

const READY: &str = ".rungs-ready";

/// The repo at `rev`, cloned once into `<cache>/repos/<hash>` and shared by
/// every project; a lock keeps two runs from cloning it at once.
pub fn clone(cache_root: &Path, url: &str, rev: &str) -> Result<PathBuf, String> {
    let key = blake3::hash(format!("{url}\0{rev}").as_bytes()).to_hex();
    let parent = cache_root.join("repos");
    let dir = parent.join(&key[..16]);
    if dir.join(READY).exists() {
        return Ok(dir);
    }
    std::fs::create_dir_all(&parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    let lock_path = dir.with_extension("lock");
    let lock =
        std::fs::File::create(&lock_path).map_err(|e| format!("{}: {e}", lock_path.display()))?;
    lock.lock()
        .map_err(|e| format!("{}: {e}", lock_path.display()))?;
    if dir.join(READY).exists() {
        return Ok(dir);
    }
    let _ = std::fs::remove_dir_all(&dir);
    let tmp = tempfile::Builder::new()
        .prefix(&format!("{}.tmp", &key[..16]))
        .tempdir_in(&parent)
        .map_err(|e| format!("{}: {e}", parent.display()))?;
    let t = tmp.path();
    run_git(t, &["init", "-q"])?;
    if run_git(t, &["fetch", "-q", "--depth=1", url, rev]).is_ok() {
        run_git(t, &["checkout", "-q", "FETCH_HEAD"])?;
    } else {
        // A server that refuses a SHA by itself: everything, then the rev.
        run_git(
            t,
            &[
                "fetch",
                "-q",
                "--tags",
                url,
                "+refs/heads/*:refs/remotes/origin/*",
            ],
        )?;
        run_git(t, &["checkout", "-q", rev]).map_err(|_| format!("{url} has no rev `{rev}`"))?;
    }
    std::fs::write(t.join(READY), rev).map_err(|e| format!("{}: {e}", t.display()))?;
    let kept = tmp.keep();
    std::fs::rename(&kept, &dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_data_parses_and_every_repo_has_its_hooks() {
        for repo in &known().repo {
            let defs = definitions(&repo.hooks).unwrap();
            assert!(!defs.is_empty(), "{}", repo.hooks);
        }
        for (name, _) in HOOK_FILES {
            for hook in definitions(name).unwrap() {
                let o = &hook.options;
                for tags in [&o.types, &o.types_or, &o.exclude_types]
                    .into_iter()
                    .flatten()
                {
                    for tag in &tags.value {
                        assert!(
                            super::super::identify::known(tag),
                            "{name}: `{tag}` is not in identify.toml"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn a_rev_maps_to_its_package_version() {
        assert_eq!(version_of("v0.15.9", None).as_deref(), Some("0.15.9"));
        assert_eq!(version_of("7.0.0", None).as_deref(), Some("7.0.0"));
        assert_eq!(version_of("v0.910-1", None).as_deref(), Some("0.910"));
        assert_eq!(
            version_of("v4.0.0-alpha.3-1", None).as_deref(),
            Some("4.0.0-alpha.3")
        );
        assert_eq!(
            version_of("v4.0.0-alpha.8", None).as_deref(),
            Some("4.0.0-alpha.8")
        );
        assert_eq!(
            version_of("0123456789abcdef0123", Some("v1.2")).as_deref(),
            Some("1.2")
        );
        assert_eq!(version_of("0123456789abcdef0123", None), None);
        assert!(known_repo("https://GitHub.com/PyCQA/isort.git/").is_some());
    }

    #[test]
    fn a_local_repository_is_cloned_once_at_its_rev() {
        let cache = tempfile::tempdir().unwrap();
        let src = tempfile::tempdir().unwrap();
        let s = src.path();
        let sh = |args: &[&str]| {
            let ok = Command::new("git")
                .args(args)
                .current_dir(s)
                .output()
                .unwrap();
            assert!(
                ok.status.success(),
                "{}",
                String::from_utf8_lossy(&ok.stderr)
            );
        };
        sh(&["init", "-q"]);
        std::fs::write(
            s.join(MANIFEST_FILE),
            "- id: x\n  name: x\n  entry: x\n  language: system\n",
        )
        .unwrap();
        sh(&["add", "."]);
        sh(&[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "commit",
            "-qm",
            "one",
        ]);
        sh(&["tag", "v1"]);
        let url = format!("file://{}", s.display());
        let f = fetch(cache.path(), &url, "v1", None).unwrap();
        assert_eq!(f.definitions[0].id, "x");
        assert_eq!(f.how, "git");
        let e = fetch(cache.path(), &url, "v9", None).unwrap_err();
        assert!(e.contains("v9"), "{e}");
        let e = fetch(cache.path(), "file:///nowhere/at/all", "v1", None).unwrap_err();
        assert!(
            e.contains("file:///nowhere/at/all") && e.contains("v1"),
            "{e}"
        );
    }
}
