//! `rungs __vulnerable-dependencies ASKED`: ask the advisory sources about
//! every version in use and print one line per vulnerable dependency
//! (`path:line: error: vulnerable: ...`). Exit 0 when none is, 1 when some
//! are, 3 when a manifest or a registry could not be read (those lines say
//! which, with `advisories-unknown`).

use crate::manifest::InUse;
use crate::manifest::{Dependency, Ecosystem};
use crate::registry::{Advisory, Fix, Lookup, Registries};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// What the planner resolved: where to ask, and the day (for the cache key).
#[derive(Serialize, Deserialize)]
pub struct Asked {
    pub date: String,
    pub pypi: String,
    pub pypi_json: Option<String>,
    pub npm: String,
    pub npm_scopes: Vec<String>,
}

const FOUND: i32 = 1;
const UNKNOWN: i32 = 3;

pub fn run(args: &[String]) -> i32 {
    let Some(asked) = args
        .first()
        .and_then(|a| serde_json::from_str::<Asked>(a).ok())
    else {
        eprintln!("rungs: error: expected the look-up settings as JSON");
        return 2;
    };
    let root = Path::new(".");
    let (in_use, errors) = crate::manifest::in_use(root);
    let mut unknown: Vec<String> = errors
        .iter()
        .map(|e| {
            line(
                &e.path,
                e.line,
                "advisories-unknown",
                &format!("{}; expected a readable lock file or manifest", e.message),
            )
        })
        .collect();
    let mut lookup = Lookup::new(Registries {
        pypi: asked.pypi.clone(),
        crates: String::new(),
        npm: asked.npm.clone(),
    });
    lookup.pypi_json = asked.pypi_json.clone();
    lookup.npm_scopes = asked
        .npm_scopes
        .iter()
        .map(|s| (s.clone(), String::new()))
        .collect();
    let deps: Vec<Dependency> = in_use.iter().map(dependency).collect();
    let results = lookup.advisories(&deps);
    let mut found = Vec::new();
    let mut no_json_api = false;
    for (u, result) in in_use.iter().zip(results) {
        // A scope's own registry (a company's packages) is not asked; the
        // public advisories do not cover it.
        if u.ecosystem == Ecosystem::Python && asked.pypi_json.is_none() {
            no_json_api = true;
            continue;
        }
        match result {
            Ok(advisories) if advisories.is_empty() => {}
            Ok(advisories) => found.push(line(
                &u.file,
                u.line,
                "vulnerable",
                &describe(u, &advisories),
            )),
            Err(e) => unknown.push(line(&u.file, u.line, "advisories-unknown", &e.message)),
        }
    }
    if no_json_api {
        unknown.push(format!(
            "rungs: the Python index {} is not pypi.org and `[bump.registries] pypi-json` names no PyPI JSON API: the known vulnerabilities of Python packages were not asked",
            asked.pypi
        ));
    }
    for l in &found {
        println!("{l}");
    }
    if !unknown.is_empty() {
        for l in unknown.iter().chain(&found) {
            eprintln!("{l}");
        }
        return UNKNOWN;
    }
    if found.is_empty() { 0 } else { FOUND }
}

fn line(file: &Path, line: usize, rule: &str, message: &str) -> String {
    format!("{}:{line}: error: {rule}: {message}", file.display())
}

fn dependency(u: &InUse) -> Dependency {
    Dependency {
        ecosystem: u.ecosystem,
        name: u.name.clone(),
        manifest: u.file.clone(),
        section: "in use".into(),
        requirement: format!("=={}", u.version),
        current: Some(u.version.clone()),
    }
}

/// `idna 3.6: PYSEC-2024-60 (link) fixed in 3.7; GHSA-… (link) affects <1.2.6`.
fn describe(u: &InUse, advisories: &[Advisory]) -> String {
    let mut by_id: BTreeMap<&str, &Advisory> = BTreeMap::new();
    for a in advisories {
        by_id.entry(a.id.as_str()).or_insert(a);
    }
    let parts: Vec<String> = by_id
        .values()
        .map(|a| {
            let link = a
                .link
                .as_deref()
                .map(|l| format!(" <{l}>"))
                .unwrap_or_default();
            let fix = match &a.fix {
                Fix::FixedIn(v) if v.is_empty() => "no fixed release yet".to_string(),
                Fix::FixedIn(v) => format!("fixed in {}", v.join(", ")),
                Fix::Outside(range) => format!("affects {range}"),
            };
            let summary = match a.summary.trim() {
                "" => String::new(),
                s => format!(" {s};"),
            };
            format!("{}{link}{summary} {fix}", a.id)
        })
        .collect();
    format!(
        "{} {} has known vulnerabilities: {}",
        u.name,
        u.version,
        parts.join("; ")
    )
}
