//! `rungs init --gitlab`: rungs's GitLab CI template beside the project's
//! pipeline, and a pipeline that includes it (or the lines to add to one).

use crate::error::Error;
use crate::preset::builtin_presets;
use crate::project::Project;
use std::path::{Path, PathBuf};

/// The template, as shipped in the rungs repository (`ci/rungs.gitlab-ci.yml`).
pub const TEMPLATE: &str = include_str!("../../ci/rungs.gitlab-ci.yml");
/// Where `rungs init --gitlab` puts it in a project.
pub const TEMPLATE_PATH: &str = ".gitlab/rungs.gitlab-ci.yml";

/// The jobs a project gets: the check, and the scheduled bump.
const JOBS: &str = "include:
  - local: .gitlab/rungs.gitlab-ci.yml

rungs:
  extends: .rungs-check

rungs-bump:
  extends: .rungs-bump
";

/// What `init --gitlab` did.
pub struct GitlabInit {
    pub written: Vec<PathBuf>,
    /// The lines to add to an existing `.gitlab-ci.yml` that does not
    /// include the template yet.
    pub to_add: Option<String>,
}

/// Write the template (rungs's own file: refreshed every time) and a
/// `.gitlab-ci.yml` including it, unless one exists (then, without `force`,
/// the lines to add).
pub fn init_gitlab(cwd: &Path, force: bool) -> Result<GitlabInit, Error> {
    let presets = builtin_presets()?;
    let project = Project::open(cwd, &presets)?;
    let template = project.root.join(TEMPLATE_PATH);
    if let Some(dir) = template.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    let header = "# Written by `rungs init --gitlab`; run it again to update.\n";
    crate::fs::write_atomic(&template, format!("{header}{TEMPLATE}").as_bytes())?;
    let mut done = GitlabInit {
        written: vec![template],
        to_add: None,
    };
    let pipeline = project.root.join(".gitlab-ci.yml");
    match std::fs::read_to_string(&pipeline) {
        Ok(text) if !force => {
            if !text.contains(TEMPLATE_PATH) {
                done.to_add = Some(JOBS.to_string());
            }
        }
        Ok(_) | Err(_) => {
            let text = format!("# rungs in GitLab CI: the jobs extend the template's.\n{JOBS}");
            crate::fs::write_atomic(&pipeline, text.as_bytes())?;
            done.written.push(pipeline);
        }
    }
    Ok(done)
}
