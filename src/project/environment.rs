//! The project's environment where its package manager keeps it: pipenv and
//! Poetry make their virtualenvs outside the project (`~/.local/share/
//! virtualenvs/NAME-HASH`, Poetry's cache), so `.venv` alone misses them and
//! pytest would run without the project's Django. The manager itself is asked
//! (`pipenv --venv`, `poetry env info -p`), once: the answer is kept in the
//! project's cache folder under a key of its manifest, its lock file and the
//! manager's settings, so a warm run starts no Python to learn it.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A package manager's environment of the project.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Managed {
    /// The environment's folder (its `bin/` holds the tools).
    pub dir: PathBuf,
    /// For `rungs plan`: `pipenv (pipenv --venv)`.
    pub origin: String,
}

struct Manager {
    name: &'static str,
    /// The files that say the project uses it; the first must exist.
    marks: &'static [&'static str],
    /// A marker inside `pyproject.toml` instead (`[tool.poetry]`).
    section: Option<&'static str>,
    /// What the key is made of besides the marks.
    files: &'static [&'static str],
    settings: &'static [&'static str],
    ask: &'static [&'static str],
}

const MANAGERS: &[Manager] = &[
    Manager {
        name: "pipenv",
        marks: &["Pipfile"],
        section: None,
        files: &["Pipfile", "Pipfile.lock"],
        settings: &[
            "WORKON_HOME",
            "PIPENV_VENV_IN_PROJECT",
            "PIPENV_CUSTOM_VENV_NAME",
        ],
        ask: &["pipenv", "--venv"],
    },
    Manager {
        name: "poetry",
        marks: &["poetry.lock", "pyproject.toml"],
        section: Some("[tool.poetry"),
        files: &["pyproject.toml", "poetry.lock", "poetry.toml"],
        settings: &[
            "POETRY_VIRTUALENVS_PATH",
            "POETRY_VIRTUALENVS_IN_PROJECT",
            "POETRY_CACHE_DIR",
        ],
        ask: &["poetry", "env", "info", "-p"],
    },
];

/// How long a manager may take to answer.
const ASK_TIMEOUT: Duration = Duration::from_secs(20);

/// The environment the project's package manager made for it, if it uses
/// one that keeps it outside the project and that environment exists.
pub fn managed(root: &Path) -> Option<Managed> {
    static SEEN: std::sync::Mutex<Vec<(PathBuf, Option<Managed>)>> =
        std::sync::Mutex::new(Vec::new());
    let mut seen = SEEN.lock().ok()?;
    if let Some((_, found)) = seen.iter().find(|(r, _)| r == root) {
        return found.clone();
    }
    let found = MANAGERS.iter().find_map(|m| m.environment(root));
    seen.push((root.to_path_buf(), found.clone()));
    found
}

impl Manager {
    fn used_by(&self, root: &Path) -> bool {
        let Some(first) = self.marks.iter().find(|m| root.join(m).is_file()) else {
            return false;
        };
        match self.section {
            // `poetry.lock` alone says Poetry; `pyproject.toml` needs its section.
            Some(section) if *first == "pyproject.toml" => {
                std::fs::read_to_string(root.join(first)).is_ok_and(|t| t.contains(section))
            }
            _ => true,
        }
    }

    fn environment(&self, root: &Path) -> Option<Managed> {
        if !self.used_by(root) {
            return None;
        }
        let key = self.key(root);
        let store = crate::dirs::root()
            .ok()
            .map(|c| crate::dirs::project_dir(&c, root).join(format!("env-{}.json", self.name)));
        let remembered: Option<(String, Option<PathBuf>)> = store
            .as_ref()
            .and_then(|p| std::fs::read(p).ok())
            .and_then(|b| serde_json::from_slice(&b).ok());
        let dir = match remembered {
            Some((k, dir)) if k == key && dir.as_ref().is_none_or(|d| d.join("bin").is_dir()) => {
                dir
            }
            _ => {
                let dir = self.ask(root);
                if let (Some(path), Ok(bytes)) = (&store, serde_json::to_vec(&(&key, &dir))) {
                    if let Some(parent) = path.parent() {
                        let _ = std::fs::create_dir_all(parent);
                    }
                    let _ = crate::fs::write_atomic(path, &bytes);
                }
                dir
            }
        }?;
        Some(Managed {
            dir,
            origin: format!("{} (`{}`)", self.name, self.ask.join(" ")),
        })
    }

    /// What the answer depends on: the manifest, the lock, the settings.
    fn key(&self, root: &Path) -> String {
        let mut h = blake3::Hasher::new();
        h.update(root.as_os_str().as_encoded_bytes());
        for f in self.files {
            h.update(f.as_bytes());
            h.update(&std::fs::read(root.join(f)).unwrap_or_default());
        }
        for var in self.settings {
            h.update(var.as_bytes());
            match std::env::var_os(var) {
                Some(v) => h.update(b"=").update(v.as_encoded_bytes()),
                None => h.update(b"-"),
            };
        }
        h.finalize().to_hex().to_string()
    }

    /// The manager's own answer, or `None` (not installed, no environment
    /// made yet, no answer in time).
    fn ask(&self, root: &Path) -> Option<PathBuf> {
        let mut child = std::process::Command::new(self.ask[0])
            .args(&self.ask[1..])
            .current_dir(root)
            .env("PIPENV_VERBOSITY", "-1")
            .env("PIPENV_NOSPIN", "1")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .ok()?;
        let start = Instant::now();
        loop {
            match child.try_wait().ok()? {
                Some(status) if status.success() => break,
                Some(_) => return None,
                None if start.elapsed() > ASK_TIMEOUT => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return None;
                }
                None => std::thread::sleep(Duration::from_millis(10)),
            }
        }
        let mut out = String::new();
        std::io::Read::read_to_string(&mut child.stdout.take()?, &mut out).ok()?;
        let dir = PathBuf::from(out.lines().rev().find(|l| !l.trim().is_empty())?.trim());
        dir.join("bin").is_dir().then_some(dir)
    }
}
