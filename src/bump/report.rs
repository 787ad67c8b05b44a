//! What `rungs bump` did, as a Markdown summary for the merge request and as JSON.

use super::{Candidate, DependencyError, UpdateKind};
use serde::Serialize;
use std::fmt::Write as _;

#[derive(Clone, Debug, Serialize)]
#[serde(tag = "result", rename_all = "kebab-case")]
pub enum Outcome {
    /// Verified and committed.
    Committed { commit: String },
    /// Breaks the project's checks.
    Failed { check: String, tail: String },
    /// Fails alone, passes with these others: committed with them.
    MovedTogether { with: Vec<String>, commit: String },
    /// Found outdated but not tried (dry run).
    Planned,
}

#[derive(Clone, Debug, Serialize)]
pub struct Bump {
    pub candidate: Candidate,
    pub outcome: Outcome,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Report {
    pub date: String,
    pub branch: Option<String>,
    pub bumps: Vec<Bump>,
    /// Dependencies that could not be looked up or edited.
    pub errors: Vec<DependencyError>,
    /// Dependencies up to date or held back by policy: (name, why).
    pub skipped: Vec<(String, String)>,
    /// Set when the project's checks failed before any bump.
    pub baseline_failure: Option<String>,
    /// Dependencies whose known vulnerabilities could not be read (a
    /// release the registry does not know, a registry that failed): bumped
    /// as usual, but not known to be free of advisories.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub advisories_unknown: Vec<DependencyError>,
    /// Look-ups that could not be made at all (a git host out of reach).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// `--verify-only`: the whole run of the project's checks before any
    /// bump, as `rungs check --format json` writes one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification: Option<crate::report::Summary>,
}

fn kind(k: UpdateKind) -> &'static str {
    match k {
        UpdateKind::Patch => "patch",
        UpdateKind::Minor => "minor",
        UpdateKind::Major => "major",
    }
}

/// Days between `published` and `now`, for the age column.
fn age(published: Option<i64>, now: i64) -> String {
    match published {
        Some(p) => format!("{} days", (now - p).max(0) / 86_400),
        None => "unknown".into(),
    }
}

/// Each manifest declaring the dependency and what it pins there:
/// `requirements.txt` `==4.2.7`<br>`pyproject.toml` `>=4.2`.
fn declared_in(c: &Candidate) -> String {
    c.edits()
        .map(|(dep, _)| {
            let requirement = if dep.requirement.is_empty() {
                "any".to_string()
            } else {
                format!("`{}`", dep.requirement.replace('|', "\\|"))
            };
            format!("`{}` {requirement}", dep.manifest.display())
        })
        .collect::<Vec<_>>()
        .join("<br>")
}

pub fn markdown(report: &Report, now: i64) -> String {
    let mut out = String::from("## Dependency bumps\n\n");
    if let Some(failure) = &report.baseline_failure {
        let _ = writeln!(
            out,
            "The project's checks fail before any bump, so nothing was bumped.\n\n```\n{failure}\n```\n"
        );
        return out;
    }
    if let Some(branch) = &report.branch {
        let _ = writeln!(
            out,
            "Branch `{branch}`: one commit per bump that passed the project's checks.\n"
        );
    }
    if let Some(run) = &report.verification {
        let _ = writeln!(
            out,
            "The project's checks pass as they are ({} checks, verified as every bump starts); nothing was bumped.",
            run.checks.len()
        );
        return out;
    }
    if report.bumps.is_empty() {
        out.push_str("Every dependency is up to date (within the project's policy).\n");
    } else {
        out.push_str("| dependency | declared in | from | to | update | release age | result | notes |\n|---|---|---|---|---|---|---|---|\n");
        for b in &report.bumps {
            let c = &b.candidate;
            let result = match &b.outcome {
                Outcome::Committed { .. } => "✅ committed".to_string(),
                Outcome::Failed { check, .. } => format!("❌ breaks `{check}`"),
                Outcome::MovedTogether { with, .. } => {
                    format!("✅ committed together with {}", with.join(", "))
                }
                Outcome::Planned => "would bump".to_string(),
            };
            let mut notes: Vec<String> = Vec::new();
            if !c.advisories.is_empty() {
                let ids: Vec<String> = c
                    .advisories
                    .iter()
                    .map(|a| match &a.link {
                        Some(link) => format!("[{}]({link})", a.id),
                        None => a.id.clone(),
                    })
                    .collect();
                notes.push(format!("🔒 security: fixes {}", ids.join(", ")));
            }
            if let Some(past) = &c.past_policy {
                notes.push(format!("taken past the policy: {past}"));
            }
            if let Some(link) = &c.changelog {
                notes.push(format!("[changelog]({link})"));
            }
            let notes = notes.join("; ");
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} | {} |",
                c.dependency.name,
                declared_in(c),
                c.from.as_deref().unwrap_or("?"),
                c.to,
                kind(c.kind),
                age(c.published, now),
                result,
                notes
            );
        }
    }
    for b in &report.bumps {
        if let Outcome::Failed { check, tail } = &b.outcome {
            let _ = writeln!(
                out,
                "\n<details><summary>{} {} breaks <code>{check}</code></summary>\n\n```\n{}\n```\n</details>",
                b.candidate.dependency.name,
                b.candidate.to,
                tail.trim_end()
            );
        }
    }
    // A dependency declared in several manifests is held back once per reason.
    let mut held: Vec<&(String, String)> = Vec::new();
    for skipped in report.skipped.iter().filter(|(_, why)| why != "up to date") {
        if !held.contains(&skipped) {
            held.push(skipped);
        }
    }
    if !held.is_empty() {
        out.push_str("\n### Held back\n\n");
        for (name, why) in held {
            let _ = writeln!(out, "- `{name}`: {why}");
        }
    }
    if !report.notes.is_empty() {
        out.push_str("\n### Notes\n\n");
        for note in &report.notes {
            let _ = writeln!(out, "- {note}");
        }
    }
    errors(
        &mut out,
        "Known vulnerabilities not checked",
        &report.advisories_unknown,
    );
    errors(&mut out, "Not checked", &report.errors);
    out
}

/// A section listing one line per problem; the same problem of a dependency
/// two manifests declare is said once.
fn errors(out: &mut String, title: &str, errors: &[DependencyError]) {
    let mut said: Vec<(&str, &str)> = Vec::new();
    for e in errors {
        if said.contains(&(e.name.as_str(), e.message.as_str())) {
            continue;
        }
        if said.is_empty() {
            let _ = write!(out, "\n### {title}\n\n");
        }
        said.push((&e.name, &e.message));
        let _ = writeln!(
            out,
            "- `{}` ({}): {}",
            e.name,
            e.manifest.display(),
            e.message
        );
    }
}
