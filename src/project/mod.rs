//! The project rungs runs on: where its root is, which stacks it uses, which
//! files git would see, and how big it is.

mod detect;
pub mod environment;
mod files;
pub mod git;
mod pins;
mod size;
mod unchecked;

pub use crate::markers::Markers;
pub use detect::{Stack, describe_marker, detect_stacks};
pub use files::list_files;
pub use pins::Pins;
pub use size::{LineCache, Size, measure};

use crate::config::{Config, FileFacts};
use crate::error::Error;
use crate::preset::Preset;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Files whose presence marks a project root when no config says otherwise.
const ROOT_MARKERS: &[&str] = &[
    "rungs.toml",
    "pyproject.toml",
    "setup.py",
    "setup.cfg",
    "manage.py",
    "Cargo.toml",
    "package.json",
];

pub struct Project {
    pub root: PathBuf,
    pub config: Config,
    pub stacks: Vec<Stack>,
    /// Every file git would see, relative to the root, `/`-separated, sorted.
    pub files: Vec<String>,
    pub size: Size,
}

impl Project {
    pub fn open(start: &Path, presets: &[Preset]) -> Result<Project, Error> {
        Project::open_at(&find_root(start), presets)
    }

    /// The project whose root is `root`, without looking for it.
    pub fn open_at(root: &Path, presets: &[Preset]) -> Result<Project, Error> {
        Project::build(root, presets, None)
    }

    /// The project at `root` whose files are a git index's: `blobs` maps each
    /// project-relative path to its blob id (no walk, and sizes keyed by content).
    /// Its rungs config is the working tree's, at `config_root`, as
    /// pre-commit reads its config: the hook and `rungs check` judge alike.
    pub fn open_index(
        root: &Path,
        presets: &[Preset],
        blobs: &HashMap<String, String>,
        config_root: &Path,
    ) -> Result<Project, Error> {
        Project::build(root, presets, Some((blobs, config_root)))
    }

    fn build(
        root: &Path,
        presets: &[Preset],
        index: Option<(&HashMap<String, String>, &Path)>,
    ) -> Result<Project, Error> {
        let root = root.to_path_buf();
        let blobs = index.map(|(b, _)| b);
        let mut config = Config::load(index.map_or(root.as_path(), |(_, c)| c))?;
        let markers = Markers::new(&root);
        let stacks = detect_stacks(&config, presets, &markers)?;
        let files = match blobs {
            Some(b) => files::from_index(b.keys(), &config)?,
            None => list_files(&root, &config)?,
        };
        let lines = crate::dirs::root()
            .ok()
            .map(|c| crate::dirs::project_dir(&c, &root).join("lines.json"));
        let cache = LineCache::load(lines);
        let (size, foreign) = measure(&root, &files, &stacks, &cache, blobs);
        cache.save();
        let kinds = config.unchecked();
        config.files = FileFacts {
            root: root.clone(),
            all: files.clone(),
            unchecked: foreign
                .iter()
                .filter(|(_, kind)| kinds.contains(kind))
                .map(|(f, _)| f.clone())
                .collect(),
        };
        Ok(Project {
            root,
            config,
            stacks,
            files,
            size,
        })
    }
}

/// The nearest folder at or above `start` that is a project: with rungs
/// config or a project manifest of its own, else the top of the git work
/// tree, else `start` itself. A folder with its own manifest is its own
/// project: a config in a folder above does not reach into it (the
/// bundled example inside rungs's repository is a Django project, not rungs).
pub fn find_root(start: &Path) -> PathBuf {
    let start = start.canonicalize().unwrap_or_else(|_| start.to_path_buf());
    for dir in start.ancestors() {
        if ROOT_MARKERS.iter().any(|m| dir.join(m).is_file()) || dir.join(".git").exists() {
            return dir.to_path_buf();
        }
    }
    start
}

/// The projects below `root` when `root` is none itself (no manifest, no
/// rungs config): a repository of projects (`services/api`, `services/web`),
/// each the outermost folder with a manifest, so a project's own fixtures
/// stay part of it. Empty when `root` is a project.
pub fn members(root: &Path) -> Vec<PathBuf> {
    if ROOT_MARKERS.iter().any(|m| root.join(m).is_file()) {
        return Vec::new();
    }
    let Ok(files) = list_files(root, &Config::default()) else {
        return Vec::new();
    };
    let mut dirs: Vec<&str> = files
        .iter()
        .filter_map(|f| f.rsplit_once('/'))
        .filter(|(_, name)| ROOT_MARKERS.contains(name))
        .map(|(dir, _)| dir)
        .collect();
    dirs.sort();
    dirs.dedup();
    let mut outermost: Vec<&str> = Vec::new();
    for dir in dirs {
        if !outermost.iter().any(|o| {
            dir.strip_prefix(o)
                .is_some_and(|rest| rest.starts_with('/'))
        }) {
            outermost.push(dir);
        }
    }
    outermost.into_iter().map(|d| root.join(d)).collect()
}

/// The project a file in folder `start` of a repository (or a copy of one,
/// without `.git`) at `top` belongs to: the nearest folder with rungs config;
/// else the top, when the top is a project itself (a manifest there makes the
/// repository one project, as `rungs check` at the top sees it, fixtures and
/// examples included); else, in a repository of projects (`backend/`,
/// `frontend/`, nothing at the top), the outermost folder with a manifest
/// (a project's own fixtures stay part of it).
pub fn project_within(start: &Path, top: &Path) -> PathBuf {
    let within = || start.ancestors().take_while(|d| d.starts_with(top));
    for dir in within() {
        if dir.join("rungs.toml").is_file() || has_tool_rungs(&dir.join("pyproject.toml")) {
            return dir.to_path_buf();
        }
    }
    let marked = |dir: &Path| ROOT_MARKERS.iter().any(|m| dir.join(m).is_file());
    if marked(top) {
        return top.to_path_buf();
    }
    within()
        .filter(|d| marked(d))
        .last()
        .unwrap_or(top)
        .to_path_buf()
}

fn has_tool_rungs(pyproject: &Path) -> bool {
    std::fs::read_to_string(pyproject)
        .map(|t| t.contains("[tool.rungs"))
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::find_root;

    #[test]
    fn the_project_is_the_nearest_folder_with_a_manifest_or_config() {
        let outer = tempfile::tempdir().unwrap();
        let o = outer.path().canonicalize().unwrap();
        std::fs::write(
            o.join("pyproject.toml"),
            "[tool.rungs]\nstacks = [\"rust\"]\n",
        )
        .unwrap();
        std::fs::create_dir_all(o.join(".git")).unwrap();
        // A folder of the repository: the top's config is its.
        std::fs::create_dir_all(o.join("sub/pkg")).unwrap();
        assert_eq!(find_root(&o.join("sub/pkg")), o);
        // A folder with a manifest of its own is its own project, whatever
        // the config above says.
        let example = o.join("examples/shop");
        std::fs::create_dir_all(&example).unwrap();
        std::fs::write(example.join("manage.py"), "").unwrap();
        std::fs::write(
            example.join("pyproject.toml"),
            "[project]\nname = \"shop\"\n",
        )
        .unwrap();
        assert_eq!(find_root(&example.join("catalog")), example);
        assert_eq!(find_root(&example), example);
        // A repository of its own inside it (an unpacked sdist, a clone): its own.
        let inner = o.join("vendor/other");
        std::fs::create_dir_all(inner.join(".git")).unwrap();
        std::fs::write(inner.join("pyproject.toml"), "[project]\nname = \"x\"\n").unwrap();
        assert_eq!(find_root(&inner), inner);
    }
}
