//! `rungs __history --rules JSON BASE HEAD` (or `--nothing WHY`): one
//! `history:error:RULE: SHORT "SUBJECT": why` line per broken rule; exit 1
//! when there is one, 2 when git could not tell. Nothing to judge is an
//! `info` line, so the report says why the check passed.

use crate::config::HistoryRules;
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::path::Path;

pub const SUBCOMMAND: &str = "__history";

/// Subject prefixes git's `--autosquash` folds away: never meant to land.
const LEFTOVER_PREFIXES: [&str; 3] = ["fixup!", "squash!", "amend!"];

struct Commit {
    short: String,
    parents: usize,
    subject: String,
    full: String,
}

impl Commit {
    fn finding(&self, rule: &str, why: &str) -> String {
        format!(
            "history:error:{rule}: {} {:?}: {why}",
            self.short, self.subject
        )
    }
}

pub fn run(args: &[String]) -> i32 {
    match args {
        [flag, why] if flag == "--nothing" => {
            println!("history:info:nothing-to-judge: {why}");
            0
        }
        [flag, rules, base, head] if flag == "--rules" => {
            let rules: HistoryRules = match serde_json::from_str(rules) {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("{SUBCOMMAND}: bad --rules: {e}");
                    return 2;
                }
            };
            match judge(Path::new("."), &rules, base, head) {
                Ok(findings) if findings.is_empty() => 0,
                Ok(findings) => {
                    for f in findings {
                        println!("{f}");
                    }
                    1
                }
                Err(e) => {
                    eprintln!("{SUBCOMMAND}: {e}");
                    2
                }
            }
        }
        _ => {
            eprintln!("usage: rungs {SUBCOMMAND} --rules JSON BASE HEAD | --nothing WHY");
            2
        }
    }
}

fn git(root: &Path, args: &[&str]) -> Result<String, crate::error::Error> {
    let out = crate::git::run_in(root, args, None, &[])?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// The findings on the commits `base..head`, oldest first.
fn judge(
    root: &Path,
    rules: &HistoryRules,
    base: &str,
    head: &str,
) -> Result<Vec<String>, crate::error::Error> {
    let commits = commits(root, base, head)?;
    let short_base = &base[..base.len().min(12)];
    println!(
        "history: {} commit(s) between {short_base} and HEAD",
        commits.len()
    );
    let judge = Judge::new(rules)?;
    let mut findings = Vec::new();
    let total = commits.len();
    for (i, c) in commits.iter().enumerate() {
        judge.message_findings(c, i, total, &mut findings);
        if !judge.kinds.is_empty() && c.parents <= 1 {
            findings.extend(judge.mixed_kinds(root, c)?);
        }
    }
    Ok(findings)
}

/// The commits `base..head`, oldest first, as `git log` gives them.
fn commits(root: &Path, base: &str, head: &str) -> Result<Vec<Commit>, crate::error::Error> {
    let range = format!("{base}..{head}");
    let log = git(
        root,
        &[
            "log",
            "--reverse",
            "--format=%H%x00%h%x00%P%x00%s%x1e",
            &range,
        ],
    )?;
    Ok(log
        .split('\x1e')
        .map(|r| r.trim_start_matches('\n'))
        .filter(|r| !r.is_empty())
        .filter_map(|record| {
            let mut parts = record.split('\0');
            let full = parts.next()?.to_string();
            let short = parts.next()?.to_string();
            let parents = parts.next()?.split_whitespace().count();
            let subject = parts.next()?.to_string();
            Some(Commit {
                short,
                parents,
                subject,
                full,
            })
        })
        .collect())
}

/// The rules with their patterns compiled once, rather than per commit.
struct Judge<'r> {
    rules: &'r HistoryRules,
    pattern: Option<regex::Regex>,
    wip: regex::Regex,
    kinds: Vec<(&'r str, GlobSet)>,
}

impl<'r> Judge<'r> {
    /// Compiles the subject pattern and the kinds' globs: an error when the
    /// config's are not valid.
    fn new(rules: &'r HistoryRules) -> Result<Judge<'r>, crate::error::Error> {
        let pattern = match &rules.subject_pattern {
            Some(p) => {
                Some(regex::Regex::new(p).map_err(|e| crate::error::Error::usage(e.to_string()))?)
            }
            None => None,
        };
        let wip = regex::Regex::new(r"(?i)\bwip\b").expect("a valid pattern");
        let kinds = kind_sets(rules)?;
        Ok(Judge {
            rules,
            pattern,
            wip,
            kinds,
        })
    }

    /// The findings on commit `c` (number `i` of `total`) that its place
    /// and its message give: the count, merges, the subject.
    fn message_findings(&self, c: &Commit, i: usize, total: usize, findings: &mut Vec<String>) {
        let rules = self.rules;
        if i >= rules.max_commits {
            findings.push(c.finding(
                "max-commits",
                &format!(
                    "commit {} of {total} since the base, at most {} allowed; squash them",
                    i + 1,
                    rules.max_commits
                ),
            ));
        }
        if c.parents > 1 && !rules.merges {
            findings.push(c.finding(
                "merge",
                "a merge commit; rebase onto the base for a linear history",
            ));
        }
        let length = c.subject.chars().count();
        if rules.subject_max > 0 && length > rules.subject_max {
            findings.push(c.finding(
                "subject-length",
                &format!(
                    "subject of {length} characters, at most {}",
                    rules.subject_max
                ),
            ));
        }
        if let Some(prefix) = LEFTOVER_PREFIXES.iter().find(|p| c.subject.starts_with(*p)) {
            findings.push(c.finding(
                "leftover",
                &format!("a `{prefix}` commit left in; fold it (git rebase -i --autosquash)"),
            ));
        } else if self.wip.is_match(&c.subject) {
            findings.push(c.finding("wip", "work in progress left in the subject"));
        }
        if let Some(p) = &self.pattern
            && !p.is_match(&c.subject)
        {
            findings.push(c.finding(
                "subject-pattern",
                &format!("subject does not match `{}`", p.as_str()),
            ));
        }
    }

    /// The finding on commit `c` when its files are of more than one kind;
    /// its files are read from git, so only for a commit that is no merge.
    fn mixed_kinds(&self, root: &Path, c: &Commit) -> Result<Option<String>, crate::error::Error> {
        let files = crate::git::split_z(&crate::git::run_in(
            root,
            &[
                "diff-tree",
                "--no-commit-id",
                "--root",
                "-r",
                "-z",
                "--name-only",
                &c.full,
            ],
            None,
            &[],
        )?);
        let mut seen: Vec<(&str, &str)> = Vec::new();
        for (name, set) in &self.kinds {
            if let Some(file) = files.iter().find(|f| set.is_match(f.as_str())) {
                seen.push((name, file));
            }
        }
        if seen.len() <= 1 {
            return Ok(None);
        }
        let list: Vec<String> = seen.iter().map(|(k, f)| format!("{k} ({f})")).collect();
        Ok(Some(c.finding(
            "mixed-kinds",
            &format!(
                "mixes {}; one kind of change per commit",
                list.join(" and ")
            ),
        )))
    }
}

fn kind_sets(rules: &HistoryRules) -> Result<Vec<(&str, GlobSet)>, crate::error::Error> {
    let mut sets = Vec::new();
    for (name, globs) in &rules.kinds {
        let mut builder = GlobSetBuilder::new();
        for g in globs {
            let glob = Glob::new(g)
                .map_err(|e| crate::error::Error::usage(format!("history.kinds: {e}")))?;
            builder.add(glob);
        }
        let set = builder
            .build()
            .map_err(|e| crate::error::Error::usage(format!("history.kinds: {e}")))?;
        sets.push((name.as_str(), set));
    }
    Ok(sets)
}
