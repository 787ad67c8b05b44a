//! The gates of one `rungs check`: the baseline applied to each job as it
//! finishes, the coverage gates once all have, and `rungs baseline`'s record.

use super::Change;
use crate::check::Kind;
use crate::config::{CoverageConfig, DEFAULT_BASELINE};
use crate::error::{Error, exit};
use crate::gate::{self, Baseline, BaselineSummary, ChangedLines, Changes, Gate};
use crate::plan::{Plan, PlannedCheck};
use crate::project::Project;
use crate::report::Summary;
use crate::results::{CheckResult, JobReport};
use std::path::Path;

/// What the gates said of a whole run.
#[derive(Default)]
pub struct Verdicts {
    pub gates: Vec<Gate>,
    pub baseline: Option<BaselineSummary>,
    /// The commit `--changed` compared against.
    pub changed_base: Option<String>,
}

pub struct Gates {
    coverage: CoverageConfig,
    /// Project-relative.
    baseline_file: String,
    baseline: Option<Baseline>,
    /// What the change touched, when there is one to compare against: where
    /// checks the project has not adopted hold the line.
    changed: Option<ChangedLines>,
    recording: bool,
}

impl Gates {
    /// `recording`: `rungs baseline`, which sees every finding as new.
    /// `changed`: the lines the change touched (`--changed`, the hook's staged lines).
    pub fn load(
        project: &Project,
        recording: bool,
        changed: Option<ChangedLines>,
    ) -> Result<Gates, Error> {
        let baseline_file = project
            .config
            .raw
            .baseline
            .clone()
            .unwrap_or_else(|| DEFAULT_BASELINE.to_string());
        let baseline = if recording {
            None
        } else {
            Baseline::load(&project.root, &baseline_file)?
        };
        Ok(Gates {
            coverage: project.config.coverage()?,
            baseline_file,
            baseline,
            changed,
            recording,
        })
    }

    /// Whether the project has adopted a planned check: chosen for its
    /// config, or with findings in the baseline.
    pub fn adopted(&self, planned: &PlannedCheck) -> bool {
        planned.adopted
            || self
                .baseline
                .as_ref()
                .is_some_and(|b| b.covers(planned.check.id.as_str()))
    }

    /// A finished job's findings fingerprinted, held against the baseline,
    /// and for a check the project has not adopted, against the change.
    pub fn judge_job(&self, root: &Path, plan: &Plan, report: &JobReport) -> JobReport {
        let mut judged = gate::judge_job(root, self.baseline.as_ref(), report);
        let planned = &plan.checks[report.check];
        if !self.recording && planned.check.holds_line && !self.adopted(planned) {
            let formatter = planned.check.kind == Kind::Format;
            gate::hold_line(&mut judged, formatter, self.changed.as_ref());
        }
        judged
    }

    /// The coverage gates, what the baseline says about this run, and the
    /// commit `--changed` compared against.
    pub fn judge_run(
        &self,
        project: &Project,
        change: &Change,
        complete: bool,
        checks: &mut [CheckResult],
    ) -> Result<Verdicts, Error> {
        let base = change.changed_base.as_deref();
        let changes = Changes { base };
        let gates = gate::judge_coverage(&project.root, &self.coverage, &changes, checks)?;
        let baseline = self.baseline.as_ref().map(|b| b.summary(checks, complete));
        Ok(Verdicts {
            gates,
            baseline,
            changed_base: change.changed_commit.clone(),
        })
    }

    /// `rungs baseline`: write today's findings, say what changed.
    pub fn record(&self, project: &Project, summary: &Summary) -> Result<i32, Error> {
        if summary.exit_code == exit::INTERRUPTED {
            return Ok(exit::INTERRUPTED);
        }
        let r = gate::baseline::record(&project.root, &self.baseline_file, &summary.checks)?;
        eprintln!(
            "rungs: baseline {}: {} finding{} recorded (was {}: {} added, {} dropped)",
            self.baseline_file,
            r.after,
            if r.after == 1 { "" } else { "s" },
            r.before,
            r.added,
            r.dropped
        );
        if let Some(rule) = crate::project::git::ignored_by(&project.root, &self.baseline_file) {
            eprintln!(
                "rungs: warning: git ignores {} ({rule}): it will not be committed, so CI and `rungs bump` will not see it; `git add -f {}` it, or name another file with `baseline = \"...\"`",
                self.baseline_file, self.baseline_file
            );
        }
        if !r.kept.is_empty() {
            eprintln!(
                "rungs: kept the earlier entries of checks that did not finish: {}",
                r.kept.join(", ")
            );
        }
        Ok(exit::PASSED)
    }
}
