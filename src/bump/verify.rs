//! Verifying bumps: apply a set of them to the base, refresh the
//! environment, run the project's checks (the shared pipeline, stage
//! `bump`); bisect a failing set down to the bumps that break it.

use super::Candidate;
use super::install::{install_commands, run_command};
use super::worktree::Worktree;
use crate::cache::Cache;
use crate::check::Stage;
use crate::error::Error;
use crate::manifest;
use crate::pipeline::{Install, Judging, RunOptions, Selection, prepare, run};
use crate::plan::Shard;
use crate::results::CheckResult;
use std::collections::BTreeMap;

/// How a verification went: `None` passed, else (the failing check, its output tail).
pub type Verdict = Option<(String, String)>;

pub struct Bumper<'a> {
    pub wt: &'a Worktree,
    pub project: &'a crate::project::Project,
    pub candidates: Vec<Candidate>,
    pub verified: BTreeMap<Vec<usize>, Verdict>,
    /// Checks left out of every verification because they can't run at all
    /// (a hook whose repo can't be fetched): check id -> why.
    pub cannot_run: BTreeMap<String, String>,
    /// The last run of the checks, as judged.
    pub last: Option<crate::report::Summary>,
}

impl Bumper<'_> {
    /// Apply bumps `set` to the base, refresh the environment, run the checks.
    pub fn verify(&mut self, set: &[usize]) -> Result<Verdict, Error> {
        if let Some(v) = self.verified.get(set) {
            return Ok(v.clone());
        }
        self.wt.reset()?;
        // A lock file the ecosystem's tool cannot regenerate is that bump's failure.
        let mut verdict = None;
        for &i in set {
            if let Err(e) = self.apply(i) {
                verdict = Some(("lock file".to_string(), e.to_string()));
                break;
            }
        }
        let verdict = match verdict {
            Some(fail) => Some(fail),
            None => match self.install()? {
                Some(fail) => Some(fail),
                None => self.checks()?,
            },
        };
        self.verified.insert(set.to_vec(), verdict.clone());
        Ok(verdict)
    }

    /// Edit every manifest that declares candidate `i`, then regenerate the
    /// lock files they have (each once).
    pub fn apply(&self, i: usize) -> Result<(), Error> {
        let c = &self.candidates[i];
        let mut locks: Vec<Vec<String>> = Vec::new();
        for (dep, requirement) in c.edits() {
            let path = self.wt.path().join(&dep.manifest);
            let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
            let edited =
                manifest::edit(&text, dep, requirement).map_err(|e| Error::ConfigFile {
                    path: e.path.clone(),
                    message: format!("line {}: {}", e.line, e.message),
                })?;
            std::fs::write(&path, edited).map_err(|e| Error::io(&path, e))?;
            if let Some(argv) = manifest::lock_command(self.wt.path(), dep)
                && !locks.contains(&argv)
            {
                locks.push(argv);
            }
        }
        for argv in locks {
            run_command(self.wt.path(), &argv).map_err(|tail| Error::Usage {
                message: format!(
                    "regenerating the lock file with `{}` failed:\n{tail}",
                    argv.join(" ")
                ),
                hint: None,
            })?;
        }
        Ok(())
    }

    fn install(&self) -> Result<Verdict, Error> {
        for argv in install_commands(self.wt.path(), self.project) {
            if let Err(tail) = run_command(self.wt.path(), &argv) {
                return Ok(Some((format!("install ({})", argv.join(" ")), tail)));
            }
        }
        Ok(None)
    }

    fn checks(&mut self) -> Result<Verdict, Error> {
        let cfg = &self.project.config.raw.bump;
        let selection = Selection {
            tier: cfg.tier.clone(),
            ..Selection::default()
        };
        let mut prepared = prepare(self.wt.path(), &selection, Stage::Bump)?;
        // A check that can't run fails before and after any bump alike: it
        // would stop every bump while verifying none. It is left out, and said.
        prepared.plan.checks.retain(|c| match &c.check.broken {
            Some(why) => {
                self.cannot_run.insert(c.check.id.0.clone(), why.clone());
                false
            }
            None => true,
        });
        let mut cache =
            Cache::open(&prepared.project.root)?.with_remote(&prepared.project.config)?;
        let cancel = crate::execute::interrupt::flag();
        let options = RunOptions {
            shard: Shard { index: 1, total: 1 },
            install: Install::Allowed,
            judging: Judging::Gates,
            cancel: &cancel,
            started: std::time::Instant::now(),
        };
        // The same run and gates as `rungs check`: a baseline and the line
        // held against the default branch count as they do there.
        let finished = run(&mut prepared, Some(&mut cache), &options, &mut |_| {})?;
        cache.finish();
        if cancel.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(Error::Interrupted);
        }
        let verdict = finished
            .first_failure()
            .map(|result| (result.check.clone(), tail_of(result)));
        self.last = Some(finished.summary);
        Ok(verdict)
    }

    /// `base` (bumps already accepted) plus `set`, in index order.
    pub fn with(base: &[usize], set: &[usize]) -> Vec<usize> {
        let mut all: Vec<usize> = base.iter().chain(set).copied().collect();
        all.sort();
        all.dedup();
        all
    }

    /// The bumps in `set` that break the checks on top of `base`; a set whose
    /// halves pass apart but fail together is returned whole.
    fn failing(&mut self, base: &[usize], set: Vec<usize>) -> Result<Vec<usize>, Error> {
        if set.is_empty() || self.verify(&Self::with(base, &set))?.is_none() {
            return Ok(Vec::new());
        }
        if set.len() == 1 {
            return Ok(set);
        }
        let right = set[set.len() / 2..].to_vec();
        let left = set[..set.len() / 2].to_vec();
        let mut found = self.failing(base, left)?;
        found.extend(self.failing(base, right)?);
        Ok(if found.is_empty() { set } else { found })
    }

    /// One round: which of `ids` pass on top of `base`, as commit groups
    /// (single bumps, or pairs that only pass together), and which fail.
    pub fn round(
        &mut self,
        base: &[usize],
        ids: Vec<usize>,
    ) -> Result<(Vec<Vec<usize>>, Vec<usize>), Error> {
        let failing = self.failing(base, ids.clone())?;
        let mut passing: Vec<usize> = ids
            .iter()
            .copied()
            .filter(|i| !failing.contains(i))
            .collect();
        // Passing apart is not passing together: keep what still passes, one by one.
        if self.verify(&Self::with(base, &passing))?.is_some() {
            let mut kept = Vec::new();
            for &i in &passing {
                let mut trial = kept.clone();
                trial.push(i);
                if self.verify(&Self::with(base, &trial))?.is_none() {
                    kept = trial;
                }
            }
            passing = kept;
        }
        let mut groups: Vec<Vec<usize>> = passing.iter().map(|&i| vec![i]).collect();
        let mut accepted: Vec<usize> = base.iter().chain(&passing).copied().collect();
        let mut still: Vec<usize> = ids
            .iter()
            .copied()
            .filter(|i| !passing.contains(i))
            .collect();
        // Failing bumps that pass in pairs move together.
        if still.len() <= 6 {
            let mut k = 0;
            while k < still.len() {
                let a = still[k];
                let mut partner = None;
                for &b in &still[k + 1..] {
                    if self.verify(&Self::with(&accepted, &[a, b]))?.is_none() {
                        partner = Some(b);
                        break;
                    }
                }
                match partner {
                    Some(b) => {
                        groups.push(vec![a, b]);
                        accepted.extend([a, b]);
                        still.retain(|x| *x != a && *x != b);
                    }
                    None => k += 1,
                }
            }
        }
        Ok((groups, still))
    }
}

/// The findings, or else the last lines the failing tool printed.
fn tail_of(result: &CheckResult) -> String {
    let mut lines: Vec<String> = result.findings.iter().map(|f| f.display()).collect();
    lines.extend(result.problems.iter().cloned());
    if lines.is_empty() {
        lines = result.output.lines().map(str::to_string).collect();
    }
    let start = lines.len().saturating_sub(40);
    lines[start..].join("\n")
}
