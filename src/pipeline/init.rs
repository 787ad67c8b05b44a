//! `rungs init`: a commented `rungs.toml` that spells out the defaults this
//! project gets today, so a team sees where to change them.

use crate::error::Error;
use crate::preset::builtin_presets;
use crate::project::{Project, Stack};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Write the project's `rungs.toml` (over an existing one only with `force`);
/// the path written.
pub fn init(cwd: &Path, force: bool) -> Result<PathBuf, Error> {
    let presets = builtin_presets()?;
    let project = Project::open(cwd, &presets)?;
    let path = project.root.join("rungs.toml");
    if path.exists() && !force {
        return Err(Error::Usage {
            message: format!("{} already exists", path.display()),
            hint: Some("pass --force to overwrite it".into()),
        });
    }
    let text = render(&project);
    // Check what we write parses as a config before it replaces anything.
    toml::from_str::<crate::config::RawConfig>(&text).map_err(|e| Error::ConfigFile {
        path: path.clone(),
        message: format!("rungs wrote an invalid config (a bug): {e}"),
    })?;
    crate::fs::write_atomic(&path, text.as_bytes())?;
    Ok(path)
}

fn render(project: &Project) -> String {
    let mut out = String::new();
    let stacks: Vec<&str> = project
        .stacks
        .iter()
        .map(|s| s.preset.name.as_str())
        .collect();
    heading(&mut out, project, &stacks);
    top_level(&mut out, &stacks);
    if let Some(stack) = project.stacks.first() {
        size_classes(&mut out, project, stack);
    }
    commented_sections(&mut out);
    out
}

/// What rungs found in the project: the stacks and the size that chose the
/// defaults below.
fn heading(out: &mut String, project: &Project, stacks: &[&str]) {
    let _ = writeln!(
        out,
        "# rungs config. Every value below is the default; change what you need."
    );
    let _ = writeln!(
        out,
        "# Detected stack(s): {}.",
        if stacks.is_empty() {
            "none".into()
        } else {
            stacks.join(", ")
        }
    );
    let _ = writeln!(
        out,
        "# Measured size: {} code lines.\n",
        project.size.code_lines
    );
}

/// The top-level keys: stacks, tier, tiers, exclude and jobs.
fn top_level(out: &mut String, stacks: &[&str]) {
    let _ = writeln!(out, "# Stacks to use instead of detecting them.");
    let _ = writeln!(
        out,
        "# stacks = [{}]\n",
        stacks
            .iter()
            .map(|s| format!("{s:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = writeln!(
        out,
        "# Pin a tier instead of letting the project's size choose it."
    );
    let _ = writeln!(out, "# tier = \"standard\"\n");
    let _ = writeln!(
        out,
        "# Tier names, lowest first; each tier includes the ones below it."
    );
    let _ = writeln!(out, "tiers = [\"basic\", \"standard\", \"strict\"]\n");
    let _ = writeln!(out, "# Files no check sees, on top of .gitignore.");
    let _ = writeln!(out, "exclude = []\n");
    let _ = writeln!(out, "# Parallel jobs (default: the number of cores).");
    let _ = writeln!(out, "# jobs = 4\n");
}

/// The size classes of the first stack and every stack's coverage floors:
/// the defaults a team most often wants to change.
fn size_classes(out: &mut String, project: &Project, stack: &Stack) {
    let _ = writeln!(
        out,
        "# Code lines below `below` get `tier`; the last class has no bound."
    );
    let _ = writeln!(out, "size-classes = [");
    for c in &stack.preset.size_classes {
        match c.below {
            Some(b) => {
                let _ = writeln!(
                    out,
                    "  {{ name = {:?}, below = {b}, tier = {:?} }},",
                    c.name, c.tier
                );
            }
            None => {
                let _ = writeln!(out, "  {{ name = {:?}, tier = {:?} }},", c.name, c.tier);
            }
        }
    }
    let _ = writeln!(out, "]\n");
    let mut thresholds: Vec<_> = project
        .stacks
        .iter()
        .flat_map(|s| s.preset.thresholds.iter())
        .collect();
    thresholds.dedup_by_key(|(k, _)| k.as_str());
    if !thresholds.is_empty() {
        let _ = writeln!(
            out,
            "# Per-tier thresholds: total line coverage floor in percent."
        );
        for (tier, t) in thresholds {
            if let Some(c) = t.coverage {
                let _ = writeln!(out, "[thresholds.{tier}]\ncoverage = {c:.1}\n");
            }
        }
    }
}

/// The sections left commented out: the hook's checks, the history rules
/// and a check of one's own, as examples to enable.
fn commented_sections(out: &mut String) {
    let _ = writeln!(
        out,
        "# Which checks the pre-commit hook runs (default: fast file-level ones)."
    );
    let _ = writeln!(out, "# [hook]\n# checks = [\"ruff-format\", \"ruff\"]\n");
    let _ = writeln!(
        out,
        "# The team's commit rules, judged in CI over the commits since the base\n\
         # (a merge request's, else the merge base with the default branch).\n\
         # Off unless enabled; `kinds` are kinds of change no commit may mix.\n\
         # [history]\n\
         # enabled = true\n\
         # max-commits = 1\n\
         # merges = false\n\
         # subject-max = {}\n\
         # subject-pattern = '^(feat|fix|docs|refactor|test|chore)(\\(.+\\))?: '\n\
         # kinds = {{ dependencies = [\"**/requirements*.txt\", \"**/poetry.lock\", \"**/uv.lock\", \"**/package-lock.json\", \"**/Cargo.lock\"], code = [\"**/*.py\", \"**/*.rs\", \"**/*.js\", \"**/*.ts\"] }}\n",
        crate::config::DEFAULT_SUBJECT_MAX
    );
    let _ = writeln!(
        out,
        "# Change any field of a built-in check, or add your own:"
    );
    let _ = writeln!(
        out,
        "# [checks.ruff]\n# timeout = 60                 # seconds\n# tier = \"basic\"               # the tier it enters at\n# enabled = false"
    );
    let _ = writeln!(
        out,
        "#\n# [checks.sql-lint]\n# kind = \"lint\"\n# command = [\"sqlfluff\", \"lint\"]\n# files = [\"**/*.sql\"]\n# tier = \"standard\""
    );
}
