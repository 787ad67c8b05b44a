//! `rungs adopt ID…`: take on checks the tier added but the project had not
//! adopted. Each gets a `[checks.ID]` entry in rungs's config (written with
//! toml_edit, so comments and layout survive), and `rungs baseline` records
//! what it finds today, so from now on it fails on new findings anywhere.

use super::{CheckRequest, Format, ReportFiles, Selection, prepare};
use crate::check::Stage;
use crate::error::Error;
use std::path::{Path, PathBuf};

/// Adopt `ids`; the exit code of the baseline run that records them.
pub fn adopt(cwd: &Path, ids: &[String]) -> Result<(i32, PathBuf), Error> {
    let selection = Selection {
        tier: None,
        only: ids.to_vec(),
        skip: Vec::new(),
        files: Vec::new(),
        changed: None,
        jobs: None,
        format: Format::Text,
        hook_stage: None,
        all_tests: false,
    };
    let prepared = prepare(cwd, &selection, Stage::Ci)?;
    for id in ids {
        if !prepared
            .plan
            .checks
            .iter()
            .any(|c| c.check.id.as_str() == id)
        {
            return Err(Error::Usage {
                message: format!(
                    "`{id}` is not in this project's plan, so there is nothing to adopt"
                ),
                hint: Some("`rungs plan` lists the checks and says which are not adopted".into()),
            });
        }
    }
    let written = write_entries(
        &prepared.project.root,
        prepared
            .project
            .config
            .source
            .as_ref()
            .map(|s| s.path.as_path()),
        ids,
    )?;
    let request = CheckRequest {
        selection: Selection {
            format: Format::Text,
            ..selection
        },
        fix: false,
        no_install: false,
        reports: ReportFiles::default(),
        record_baseline: true,
        no_cache: false,
        shard: None,
    };
    Ok((super::check(cwd, &request)?, written))
}

/// `[checks.ID]` tables in the config rungs reads (`rungs.toml`, or
/// `[tool.rungs]` of `pyproject.toml`), a new `rungs.toml` when it reads none.
fn write_entries(root: &Path, config: Option<&Path>, ids: &[String]) -> Result<PathBuf, Error> {
    let path = config.map_or_else(|| root.join("rungs.toml"), Path::to_path_buf);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(Error::io(&path, e)),
    };
    let mut doc: toml_edit::DocumentMut =
        text.parse()
            .map_err(|e: toml_edit::TomlError| Error::ConfigFile {
                path: path.clone(),
                message: e.to_string(),
            })?;
    let in_pyproject = path.file_name().is_some_and(|n| n == "pyproject.toml");
    let table = if in_pyproject {
        let tool = implicit(doc.as_table_mut(), "tool", &path)?;
        implicit(implicit(tool, "rungs", &path)?, "checks", &path)?
    } else {
        implicit(doc.as_table_mut(), "checks", &path)?
    };
    for id in ids {
        let entry = implicit(table, id, &path)?;
        entry.set_implicit(false);
        if entry.get("enabled").is_none() {
            entry.insert("enabled", toml_edit::value(true));
        }
        let gap = if text.trim().is_empty() { "" } else { "\n" };
        entry.decor_mut().set_prefix(format!(
            "{gap}# Adopted with `rungs adopt {id}`; its findings of that day are in the baseline.\n"
        ));
    }
    crate::fs::write_atomic(&path, doc.to_string().as_bytes())?;
    Ok(path)
}

/// The sub-table `key` of `table`, made (as a dotted parent) when missing.
fn implicit<'t>(
    table: &'t mut toml_edit::Table,
    key: &str,
    path: &Path,
) -> Result<&'t mut toml_edit::Table, Error> {
    let item = table.entry(key).or_insert_with(|| {
        let mut t = toml_edit::Table::new();
        t.set_implicit(true);
        toml_edit::Item::Table(t)
    });
    item.as_table_mut().ok_or_else(|| Error::ConfigFile {
        path: path.to_path_buf(),
        message: format!("`{key}` is not a table (expected [{key}])"),
    })
}
