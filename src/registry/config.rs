//! Where the registries are: rungs's own `[bump.registries]` first, then the
//! user's configuration of each ecosystem's own tool, as that tool reads it
//! (pip and uv, Cargo, npm), then the public registry.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

pub const PYPI: &str = "https://pypi.org/simple";
pub const PYPI_JSON: &str = "https://pypi.org/pypi";
pub const CRATES_IO: &str = "https://index.crates.io/";
pub const NPM: &str = "https://registry.npmjs.org/";

/// Registry URLs from rungs's config (`[bump.registries]`), ahead of anything else.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RegistryOverrides {
    pub pypi: Option<String>,
    pub crates: Option<String>,
    pub npm: Option<String>,
    /// PyPI's JSON API, for an index that is not pypi.org but has one.
    pub pypi_json: Option<String>,
}

/// What the look-up reads besides the project: environment variables, the
/// home directory and the system config directory. Tests pass their own.
#[derive(Clone, Debug, Default)]
pub struct Environment {
    pub vars: HashMap<String, String>,
    pub home: Option<PathBuf>,
    /// `/etc` normally; `None` reads no system-wide file.
    pub etc: Option<PathBuf>,
}

impl Environment {
    pub fn current() -> Environment {
        Environment {
            vars: std::env::vars().collect(),
            home: dirs::home_dir(),
            etc: Some(PathBuf::from("/etc")),
        }
    }

    fn var(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    }

    fn var_any_case(&self, name: &str) -> Option<&str> {
        self.var(name).or_else(|| {
            self.vars
                .iter()
                .find(|(k, v)| k.eq_ignore_ascii_case(name) && !v.trim().is_empty())
                .map(|(_, v)| v.trim())
        })
    }

    fn home_file(&self, rel: &str) -> Option<PathBuf> {
        self.home.as_ref().map(|h| h.join(rel))
    }

    fn xdg_config(&self) -> Option<PathBuf> {
        self.var("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .or_else(|| self.home_file(".config"))
    }
}

/// A URL and where it came from (`PIP_INDEX_URL`, `/home/me/.npmrc` ...), so
/// a dry run can say why rungs asked that registry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    pub url: String,
    pub from: String,
}

impl Located {
    fn new(url: &str, from: impl Into<String>) -> Located {
        Located {
            url: url.trim().to_string(),
            from: from.into(),
        }
    }
}

/// PyPI's index: `PIP_INDEX_URL`, `UV_DEFAULT_INDEX` / `UV_INDEX_URL`, the
/// project's uv settings, pip.conf, the user's uv.toml, else pypi.org.
pub fn pypi(root: &Path, env: &Environment, over: Option<&str>) -> Located {
    if let Some(url) = over {
        return Located::new(url, "rungs config [bump.registries] pypi");
    }
    for var in ["PIP_INDEX_URL", "UV_DEFAULT_INDEX", "UV_INDEX_URL"] {
        if let Some(url) = env.var(var) {
            return Located::new(url, var);
        }
    }
    for dir in root.ancestors() {
        let uv = dir.join("uv.toml");
        if let Some(url) = read_toml(&uv).and_then(|t| uv_index(&t)) {
            return Located::new(&url, uv.display().to_string());
        }
        let pyproject = dir.join("pyproject.toml");
        if let Some(url) = read_toml(&pyproject)
            .and_then(|t| t.get("tool")?.get("uv").cloned())
            .and_then(|t| uv_index(&t))
        {
            return Located::new(&url, format!("{} [tool.uv]", pyproject.display()));
        }
    }
    // pip's own order: the file named by PIP_CONFIG_FILE, the virtualenv's,
    // the user's (new place before the legacy one), the system's.
    let mut pip_files: Vec<PathBuf> = Vec::new();
    if let Some(file) = env.var("PIP_CONFIG_FILE") {
        pip_files.push(PathBuf::from(file));
    }
    if let Some(venv) = env.var("VIRTUAL_ENV") {
        pip_files.push(Path::new(venv).join("pip.conf"));
    }
    if let Some(xdg) = env.xdg_config() {
        pip_files.push(xdg.join("pip/pip.conf"));
    }
    pip_files.extend(env.home_file(".pip/pip.conf"));
    if let Some(etc) = &env.etc {
        pip_files.push(etc.join("xdg/pip/pip.conf"));
        pip_files.push(etc.join("pip.conf"));
    }
    for file in pip_files {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let ini = parse_ini(&text);
        for section in ["install", "global"] {
            if let Some(url) = ini.get(&(section.to_string(), "index-url".to_string())) {
                return Located::new(url, format!("{} [{section}] index-url", file.display()));
            }
        }
    }
    if let Some(file) = env.xdg_config().map(|c| c.join("uv/uv.toml"))
        && let Some(url) = read_toml(&file).and_then(|t| uv_index(&t))
    {
        return Located::new(&url, file.display().to_string());
    }
    Located::new(PYPI, "default")
}

/// uv's default index: `[[index]] default = true`, else `index-url`.
fn uv_index(table: &toml::Value) -> Option<String> {
    let default = table
        .get("index")
        .and_then(|i| i.as_array())
        .and_then(|indexes| {
            indexes
                .iter()
                .find(|i| i.get("default").and_then(|d| d.as_bool()).unwrap_or(false))
        })
        .and_then(|i| i.get("url")?.as_str().map(str::to_string));
    default.or_else(|| table.get("index-url")?.as_str().map(str::to_string))
}

fn read_toml(path: &Path) -> Option<toml::Value> {
    let text = std::fs::read_to_string(path).ok()?;
    toml::from_str(&text).ok()
}

/// pip.conf is INI: `[section]`, `key = value` or `key: value`, `#`/`;` comments.
fn parse_ini(text: &str) -> HashMap<(String, String), String> {
    let mut out = HashMap::new();
    let mut section = String::new();
    for line in text.lines() {
        if line.starts_with([' ', '\t']) {
            continue; // a continuation (extra-index-url lists); index-url is one line
        }
        let line = line.trim();
        if line.is_empty() || line.starts_with(['#', ';']) {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = name.trim().to_ascii_lowercase();
        } else if let Some((key, value)) = line.split_once(['=', ':']) {
            let key = key.trim().to_ascii_lowercase().replace('_', "-");
            out.insert((section.clone(), key), value.trim().to_string());
        }
    }
    out
}

/// The sparse index crates.io's packages come from: a `replace-with` source
/// in Cargo's config (the project's `.cargo/config.toml` and its ancestors',
/// then `$CARGO_HOME`'s), else index.crates.io. The `sparse+` prefix is dropped.
pub fn crates(root: &Path, env: &Environment, over: Option<&str>) -> Located {
    if let Some(url) = over {
        return Located::new(
            url.trim_start_matches("sparse+"),
            "rungs config [bump.registries] crates",
        );
    }
    let mut files: Vec<(PathBuf, toml::Value)> = Vec::new();
    let mut candidates: Vec<PathBuf> = Vec::new();
    for dir in root.ancestors() {
        candidates.push(dir.join(".cargo/config.toml"));
        candidates.push(dir.join(".cargo/config"));
    }
    let cargo_home = env
        .var("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| env.home_file(".cargo"));
    if let Some(home) = cargo_home {
        candidates.push(home.join("config.toml"));
        candidates.push(home.join("config"));
    }
    for file in candidates {
        if !files.iter().any(|(f, _)| *f == file)
            && let Some(toml) = read_toml(&file)
        {
            files.push((file, toml));
        }
    }
    // The first file that sets a key wins (Cargo merges deeper over higher).
    let lookup = |table: &str, name: &str, key: &str| -> Option<(String, PathBuf)> {
        files.iter().find_map(|(file, toml)| {
            let value = toml.get(table)?.get(name)?.get(key)?.as_str()?;
            Some((value.to_string(), file.clone()))
        })
    };
    let mut source = "crates-io".to_string();
    for _ in 0..8 {
        let Some((next, file)) = lookup("source", &source, "replace-with") else {
            break;
        };
        let found =
            lookup("source", &next, "registry").or_else(|| lookup("registries", &next, "index"));
        if let Some((url, _)) = found {
            if let Some(sparse) = url.strip_prefix("sparse+") {
                return Located::new(sparse, format!("{} [source.{next}]", file.display()));
            }
            return Located::new(
                CRATES_IO,
                format!(
                    "default: {} replaces crates.io with a git index ({url}), which rungs does not read",
                    file.display()
                ),
            );
        }
        source = next;
    }
    match env.var("CARGO_REGISTRIES_CRATES_IO_PROTOCOL") {
        Some(p) if p.eq_ignore_ascii_case("git") => Located::new(
            CRATES_IO,
            "default (CARGO_REGISTRIES_CRATES_IO_PROTOCOL=git: rungs reads the same data sparse)",
        ),
        _ => Located::new(CRATES_IO, "default"),
    }
}

/// The npm registry and its per-scope registries: `npm_config_registry`, the
/// project's `.npmrc`, the user's (`$NPM_CONFIG_USERCONFIG` or `~/.npmrc`),
/// else registry.npmjs.org.
pub fn npm(
    root: &Path,
    env: &Environment,
    over: Option<&str>,
) -> (Located, BTreeMap<String, String>) {
    let mut files = vec![root.join(".npmrc")];
    match env.var_any_case("npm_config_userconfig") {
        Some(file) => files.push(PathBuf::from(file)),
        None => files.extend(env.home_file(".npmrc")),
    }
    let mut registry: Option<Located> = None;
    let mut scopes: BTreeMap<String, String> = BTreeMap::new();
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        for line in text.lines() {
            let line = line.trim();
            if line.starts_with(['#', ';']) {
                continue;
            }
            let Some((key, value)) = line.split_once('=') else {
                continue;
            };
            let (key, value) = (key.trim(), expand(value.trim().trim_matches('"'), env));
            if key == "registry" && registry.is_none() {
                registry = Some(Located::new(&value, format!("{} registry", file.display())));
            } else if let Some(scope) = key.strip_suffix(":registry")
                && scope.starts_with('@')
            {
                scopes.entry(scope.to_string()).or_insert(value);
            }
        }
    }
    let env_registry = env
        .var_any_case("npm_config_registry")
        .map(|url| Located::new(url, "npm_config_registry"));
    let registry = match over {
        Some(url) => Located::new(url, "rungs config [bump.registries] npm"),
        None => env_registry
            .or(registry)
            .unwrap_or_else(|| Located::new(NPM, "default")),
    };
    (registry, scopes)
}

/// npm's `${VAR}` in .npmrc values.
fn expand(value: &str, env: &Environment) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        match rest[start + 2..].find('}') {
            Some(end) => {
                let name = &rest[start + 2..start + 2 + end];
                out.push_str(env.vars.get(name).map(String::as_str).unwrap_or(""));
                rest = &rest[start + 3 + end..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}
