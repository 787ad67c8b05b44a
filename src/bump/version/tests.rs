//! The version rules of each ecosystem, on made-up release lists and on the
//! real recorded ones.

use super::*;
use crate::bump::Release;
use std::path::PathBuf;

const DAY: i64 = 86_400;
const NOW: i64 = 1_800_000_000;

fn dep(ecosystem: Ecosystem, requirement: &str, current: &str) -> Dependency {
    Dependency {
        ecosystem,
        name: "pkg".into(),
        manifest: PathBuf::from("manifest"),
        section: "dependencies".into(),
        requirement: requirement.into(),
        current: Some(current.into()),
    }
}

fn rel(version: &str) -> Release {
    Release {
        version: version.into(),
        yanked: false,
        published: Some(NOW - 30 * DAY),
        requires_python: None,
        rust_version: None,
    }
}

fn package(releases: Vec<Release>) -> Package {
    Package {
        releases,
        changelog: Some("https://example.org/changes".into()),
    }
}

fn policy(allow: UpdateKind) -> Policy {
    Policy {
        allow,
        ignore: vec![],
        cooldown_secs: 3 * DAY,
    }
}

/// `to new_requirement`, or `-` when nothing is taken.
fn pick(d: &Dependency, p: &Package, allow: UpdateKind) -> String {
    match choose(d, p, &policy(allow), NOW, Some("3.11")).unwrap() {
        Some(c) => format!("{} {}", c.to, c.new_requirement),
        None => "-".into(),
    }
}

fn versions(list: &[&str]) -> Package {
    package(list.iter().map(|v| rel(v)).collect())
}

#[test]
fn pep440_orders_dev_pre_release_and_post() {
    let p = versions(&[
        "4.2.7",
        "4.2.8.dev1",
        "4.2.8rc1",
        "4.2.8",
        "4.2.8.post1",
        "4.2.10",
        "4.2.9",
    ]);
    let d = dep(Ecosystem::Python, "==4.2.7", "4.2.7");
    assert_eq!(pick(&d, &p, UpdateKind::Patch), "4.2.10 ==4.2.10");
    let p = versions(&["4.2.7", "4.2.8.dev1", "4.2.8rc1", "4.2.8", "4.2.8.post1"]);
    assert_eq!(pick(&d, &p, UpdateKind::Patch), "4.2.8.post1 ==4.2.8.post1");
}

#[test]
fn yanked_and_prereleases_are_skipped_unless_a_prerelease_is_in_use() {
    let mut p = versions(&["1.0.0", "1.1.0", "1.2.0", "1.3.0rc1"]);
    p.releases[2].yanked = true;
    assert_eq!(
        pick(
            &dep(Ecosystem::Python, "==1.0.0", "1.0.0"),
            &p,
            UpdateKind::Minor
        ),
        "1.1.0 ==1.1.0"
    );
    assert_eq!(
        pick(
            &dep(Ecosystem::Python, "==1.3.0b1", "1.3.0b1"),
            &p,
            UpdateKind::Minor
        ),
        "1.3.0rc1 ==1.3.0rc1"
    );
    let p = versions(&["1.0.0", "2.0.0-beta.1", "1.0.1"]);
    assert_eq!(
        pick(
            &dep(Ecosystem::Node, "^1.0.0", "1.0.0"),
            &p,
            UpdateKind::Major
        ),
        "1.0.1 ^1.0.1"
    );
}

#[test]
fn python_releases_outside_the_projects_python_are_skipped() {
    let mut p = versions(&["1.0", "1.1", "1.2"]);
    p.releases[1].requires_python = Some(">=3.8".into());
    p.releases[2].requires_python = Some(">=3.12".into());
    let d = dep(Ecosystem::Python, ">=1.0", "1.0");
    let decision = decide(&d, &p, &policy(UpdateKind::Minor), NOW, Some("3.11")).unwrap();
    assert_eq!(decision.candidate.unwrap().new_requirement, ">=1.1");
    assert_eq!(
        decision.notes,
        ["1.2 skipped: requires Python >=3.12, the project uses 3.11"]
    );
    assert_eq!(
        choose(&d, &p, &policy(UpdateKind::Minor), NOW, None)
            .unwrap()
            .unwrap()
            .to,
        "1.2"
    );
}

#[test]
fn a_release_younger_than_the_cooldown_waits_and_an_undated_one_is_noted() {
    let mut p = versions(&["1.0.0", "1.0.1", "1.0.2"]);
    p.releases[2].published = Some(NOW - DAY);
    p.releases[1].published = None;
    let d = dep(Ecosystem::Rust, "1.0.0", "1.0.0");
    let decision = decide(&d, &p, &policy(UpdateKind::Patch), NOW, None).unwrap();
    let c = decision.candidate.unwrap();
    assert_eq!((c.to.as_str(), c.published), ("1.0.1", None));
    assert_eq!(
        decision.notes,
        [
            "1.0.2 skipped: released 1d ago, the cooldown is 3d",
            "release date of 1.0.1 unknown: no cooldown applied"
        ]
    );
}

#[test]
fn update_kinds_follow_each_ecosystem() {
    use UpdateKind::*;
    let kind = |eco, from: &str, to: &str| {
        let p = versions(&[from, to]);
        choose(&dep(eco, "", from), &p, &policy(Major), NOW, None)
            .unwrap()
            .unwrap()
            .kind
    };
    assert_eq!(kind(Ecosystem::Python, "4.2.7", "4.2.9"), Patch);
    assert_eq!(kind(Ecosystem::Python, "4.2", "4.3"), Minor);
    assert_eq!(kind(Ecosystem::Python, "0.2", "0.3"), Minor);
    assert_eq!(kind(Ecosystem::Python, "4.2", "5.0"), Major);
    assert_eq!(kind(Ecosystem::Rust, "1.2.3", "1.3.0"), Minor);
    assert_eq!(kind(Ecosystem::Rust, "0.2.3", "0.3.0"), Major);
    assert_eq!(kind(Ecosystem::Rust, "0.2.3", "0.2.4"), Patch);
    assert_eq!(kind(Ecosystem::Rust, "0.0.3", "0.0.4"), Major);
    assert_eq!(kind(Ecosystem::Node, "1.2.3", "2.0.0"), Major);
    assert_eq!(kind(Ecosystem::Node, "0.9.0", "0.10.0"), Major);
}

#[test]
fn the_highest_allowed_release_is_taken_and_the_rest_explained() {
    let p = versions(&["4.2.7", "4.2.9", "4.3.1", "5.0"]);
    let d = dep(Ecosystem::Python, "==4.2.7", "4.2.7");
    assert_eq!(pick(&d, &p, UpdateKind::Patch), "4.2.9 ==4.2.9");
    assert_eq!(pick(&d, &p, UpdateKind::Minor), "4.3.1 ==4.3.1");
    assert_eq!(pick(&d, &p, UpdateKind::Major), "5.0 ==5.0");
    let decision = decide(&d, &p, &policy(UpdateKind::Patch), NOW, None).unwrap();
    assert_eq!(
        decision.notes,
        ["5.0 held back: a major update, and the policy allows patch"]
    );
    let ignored = Policy {
        ignore: vec!["PKG".into()],
        ..policy(UpdateKind::Major)
    };
    assert_eq!(choose(&d, &p, &ignored, NOW, None).unwrap(), None);
}

#[test]
fn python_requirements_move_pins_and_raise_lower_bounds() {
    let p = versions(&["4.2.7", "4.2.9", "4.5.1", "5.1.0"]);
    let py = |req: &str, allow| pick(&dep(Ecosystem::Python, req, "4.2.7"), &p, allow);
    use UpdateKind::*;
    assert_eq!(py(">=4.2,<5", Minor), "4.5.1 >=4.5.1,<5");
    assert_eq!(py(">=4.2, <5", Major), "5.1.0 >=5.1.0, <6");
    assert_eq!(py(">=4.2,<5.0", Major), "5.1.0 >=5.1.0,<6.0");
    assert_eq!(py(">=4.2,<4.3", Minor), "4.2.9 >=4.2.9,<4.3");
    assert_eq!(py("~=4.2", Minor), "4.5.1 ~=4.5");
    assert_eq!(py("~=4.2.7", Minor), "4.2.9 ~=4.2.9");
    assert_eq!(py("~=4.2", Major), "5.1.0 ~=5.1");
    assert_eq!(py("==4.2.*", Minor), "4.2.9 ==4.2.*");
    assert_eq!(py("==4.2.*", Major), "5.1.0 ==5.1.*");
    assert_eq!(py(">=4.2,!=4.5.1", Minor), "4.2.9 >=4.2.9,!=4.5.1");
    assert_eq!(py("", Minor), "4.5.1 ");
    // Poetry's caret and tilde keep their precision.
    assert_eq!(py("^4.2", Minor), "4.5.1 ^4.5");
    assert_eq!(py("~4.2.7", Minor), "4.2.9 ~4.2.9");
    let err = choose(
        &dep(Ecosystem::Python, "==4.2.7", "four"),
        &p,
        &policy(Minor),
        NOW,
        None,
    )
    .unwrap_err();
    assert_eq!(
        err,
        "pkg: the version in use `four` is not a PEP 440 version"
    );
}

#[test]
fn cargo_requirements_keep_their_precision() {
    let p = versions(&["1.2.3", "1.2.9", "1.4.1", "2.0.1"]);
    let rs = |req: &str, allow| pick(&dep(Ecosystem::Rust, req, "1.2.3"), &p, allow);
    use UpdateKind::*;
    assert_eq!(rs("1.2", Minor), "1.4.1 1.4");
    assert_eq!(rs("1.2.3", Minor), "1.4.1 1.4.1");
    assert_eq!(rs("^1.2.3", Minor), "1.4.1 ^1.4.1");
    assert_eq!(rs("~1.2.3", Minor), "1.2.9 ~1.2.9");
    assert_eq!(rs("=1.2.3", Minor), "1.4.1 =1.4.1");
    assert_eq!(rs("1.2", Major), "2.0.1 2.0");
    assert_eq!(rs(">=1.2, <2", Minor), "1.4.1 >=1.4.1, <2");
    assert_eq!(rs(">=1.2, <2", Major), "2.0.1 >=2.0.1, <3");
    assert_eq!(rs("1.*", Minor), "1.4.1 1.*");
    assert_eq!(rs("*", Major), "2.0.1 *");
    let p0 = versions(&["0.2.3", "0.2.5", "0.3.0"]);
    assert_eq!(
        pick(&dep(Ecosystem::Rust, "0.2", "0.2.3"), &p0, Minor),
        "0.2.5 0.2"
    );
    assert_eq!(
        pick(&dep(Ecosystem::Rust, "0.2", "0.2.3"), &p0, Major),
        "0.3.0 0.3"
    );
    let err = choose(
        &dep(Ecosystem::Rust, "1", "one"),
        &p,
        &policy(Minor),
        NOW,
        None,
    )
    .unwrap_err();
    assert_eq!(err, "pkg: the version in use `one` is not a SemVer version");
}

#[test]
fn npm_ranges_keep_their_operator() {
    let p = versions(&["1.2.3", "1.2.9", "1.4.0", "2.0.0"]);
    let js = |req: &str, allow| pick(&dep(Ecosystem::Node, req, "1.2.3"), &p, allow);
    use UpdateKind::*;
    assert_eq!(js("^1.2.3", Minor), "1.4.0 ^1.4.0");
    assert_eq!(js("~1.2.3", Minor), "1.2.9 ~1.2.9");
    assert_eq!(js("1.2.3", Minor), "1.4.0 1.4.0");
    assert_eq!(js("^1.2.3", Major), "2.0.0 ^2.0.0");
    assert_eq!(js("1.x", Minor), "1.4.0 1.x");
    assert_eq!(js("1.x", Major), "2.0.0 2.x");
    assert_eq!(js(">= 1.2.3 < 2", Minor), "1.4.0 >=1.4.0 <2");
    assert_eq!(js("latest", Major), "2.0.0 latest");
    assert_eq!(js("^1.0.0 || ^2.0.0", Major), "2.0.0 ^1.0.0 || ^2.0.0");
    let d = dep(Ecosystem::Node, "^0.1.0 || ^1.0.0", "1.2.3");
    let decision = decide(&d, &p, &policy(Major), NOW, None).unwrap();
    assert_eq!(decision.candidate, None);
    assert_eq!(
        decision.notes,
        ["2.0.0 not taken: rungs does not rewrite `||` or hyphen ranges like `^0.1.0 || ^1.0.0`"]
    );
    let git = dep(Ecosystem::Node, "github:user/repo", "1.2.3");
    assert_eq!(choose(&git, &p, &policy(Major), NOW, None).unwrap(), None);
}

#[test]
fn upper_bounds_hold_unless_major_updates_are_allowed() {
    let p = versions(&["4.2.7", "4.3.0"]);
    let d = dep(Ecosystem::Python, ">=4.2,<4.3", "4.2.7");
    let decision = decide(&d, &p, &policy(UpdateKind::Minor), NOW, None).unwrap();
    assert_eq!(decision.candidate, None);
    assert_eq!(
        decision.notes,
        [
            "4.3.0 held back: outside `>=4.2,<4.3`, whose upper bound moves only when major updates are allowed"
        ]
    );
    assert_eq!(pick(&d, &p, UpdateKind::Major), "4.3.0 >=4.3.0,<4.4");
}

fn recorded(rel: &str) -> Vec<u8> {
    std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/registry")
            .join(rel),
    )
    .unwrap()
}

#[test]
fn real_release_lists_give_real_answers() {
    use UpdateKind::*;
    let packaging = crate::bump::registry::parse_recorded(
        Ecosystem::Python,
        "packaging",
        &recorded("pypi/simple/packaging/index.json"),
    )
    .unwrap();
    let d = dep(Ecosystem::Python, "==20.5", "20.5");
    // 20.6 is yanked; 20.9 is the last 20.x.
    assert_eq!(pick(&d, &packaging, Minor), "20.9 ==20.9");
    let semver = crate::bump::registry::parse_recorded(
        Ecosystem::Rust,
        "semver",
        &recorded("crates/se/mv/semver"),
    )
    .unwrap();
    let c = choose(
        &dep(Ecosystem::Rust, "1.0", "1.0.0"),
        &semver,
        &policy(Minor),
        NOW,
        None,
    )
    .unwrap()
    .unwrap();
    assert!(c.to.starts_with("1.0."), "{}", c.to);
    assert_eq!(c.new_requirement, "1.0");
    let is_number = crate::bump::registry::parse_recorded(
        Ecosystem::Node,
        "is-number",
        &recorded("npm/is-number"),
    )
    .unwrap();
    assert_eq!(
        pick(&dep(Ecosystem::Node, "^6.0.0", "6.0.0"), &is_number, Major),
        "7.0.0 ^7.0.0"
    );
    assert_eq!(
        pick(&dep(Ecosystem::Node, "^6.0.0", "6.0.0"), &is_number, Minor),
        "-"
    );
}

#[test]
fn a_release_fixes_an_advisory_by_its_ecosystem_rules() {
    use crate::bump::{Advisory, Fix};
    let advisory = |fix| Advisory {
        id: "X".into(),
        aliases: Vec::new(),
        link: None,
        summary: String::new(),
        fix,
    };
    // idna's PYSEC-2024-60 and minimist's GHSA-xvch-5gv4-984h (fixtures/registry).
    let idna = advisory(Fix::FixedIn(vec!["3.7".into()]));
    let minimist = advisory(Fix::Outside(">=1.0.0 <1.2.6".into()));
    assert!(!fixes(Ecosystem::Python, &idna, "3.6"));
    assert!(fixes(Ecosystem::Python, &idna, "3.7"));
    assert!(fixes(Ecosystem::Python, &idna, "3.10"));
    assert!(!fixes(Ecosystem::Node, &minimist, "1.2.5"));
    assert!(fixes(Ecosystem::Node, &minimist, "1.2.6"));
}

#[test]
fn a_fix_on_another_line_does_not_count() {
    let advisory = crate::bump::Advisory {
        id: "PYSEC-X".into(),
        aliases: Vec::new(),
        link: None,
        summary: String::new(),
        fix: crate::bump::Fix::FixedIn(vec!["3.2.25".into(), "4.2.11".into(), "5.0.3".into()]),
    };
    assert!(fixes(Ecosystem::Python, &advisory, "4.2.11"));
    assert!(fixes(Ecosystem::Python, &advisory, "4.2.12"));
    assert!(!fixes(Ecosystem::Python, &advisory, "4.2.10"));
    assert!(
        !fixes(Ecosystem::Python, &advisory, "5.0.1"),
        "5.0 is fixed at 5.0.3"
    );
    assert!(
        !fixes(Ecosystem::Python, &advisory, "4.1.9"),
        "an unlisted line"
    );
    assert!(fixes(Ecosystem::Python, &advisory, "5.1"));
}
