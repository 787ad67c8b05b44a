//! Report files, each validated by a real validator against its real schema
//! (fixtures/schemas, see its README): JUnit, GitLab Code Quality, SARIF,
//! plus the JSON, Markdown and Cobertura reports and GitLab's log sections.

mod common;
use common::*;
use std::collections::HashSet;
use std::path::Path;
use std::process::Command;

fn schemas() -> std::path::PathBuf {
    repo().join("fixtures").join("schemas")
}

fn check_jsonschema(schema: &str, file: &Path) {
    // The SARIF schema's own `run.language` pattern is not an ECMA-262 regex
    // in unicode mode; Python's regex engine reads it as meant.
    let out = Command::new("check-jsonschema")
        .args(["--regex-variant", "python", "--schemafile"])
        .arg(schemas().join(schema))
        .arg(file)
        .output()
        .expect("run check-jsonschema");
    assert!(
        out.status.success(),
        "{} does not validate against {schema}:\n{}{}",
        file.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The Surefire JUnit schema plus the `file` attribute GitLab reads on
/// `<testcase>` (the one addition; the committed schema stays verbatim).
fn validate_junit(file: &Path) {
    let xsd = std::fs::read_to_string(schemas().join("junit-10.xsd")).unwrap();
    // The first `group` attribute is <testcase>'s.
    let group = r#"<xs:attribute name="group" type="xs:string"/>"#;
    assert!(xsd.contains(r#"<xs:element name="testcase">"#) && xsd.contains(group));
    let at = xsd.find(r#"<xs:element name="testcase">"#).unwrap();
    let at = at + xsd[at..].find(group).unwrap() + group.len();
    let mut patched = xsd.clone();
    patched.insert_str(
        at,
        "\n            <xs:attribute name=\"file\" type=\"xs:string\"/>",
    );
    let dir = tempfile::tempdir().unwrap();
    let schema = dir.path().join("junit-gitlab.xsd");
    std::fs::write(&schema, patched).unwrap();
    let out = Command::new("xmlschema-validate")
        .arg("--schema")
        .arg(&schema)
        .arg(file)
        .output()
        .expect("run xmlschema-validate");
    assert!(
        out.status.success(),
        "{} does not validate against the JUnit schema:\n{}{}",
        file.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn read_json(path: &Path) -> serde_json::Value {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        !bytes.starts_with(b"\xEF\xBB\xBF"),
        "{} has a BOM",
        path.display()
    );
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_report_validates_against_its_schema_and_holds_the_findings() {
    if !require(&[
        "black",
        "isort",
        "flake8",
        "mypy",
        "pytest",
        "check-jsonschema",
        "xmlschema-validate",
    ]) {
        return;
    }
    let dir = fixture("django-dirty");
    let root = dir.path();
    let run = rungs(
        root,
        &[
            "check",
            "--tier",
            "standard",
            "--only",
            "isort,black,flake8,mypy,coverage",
            "--junit",
            "out/junit.xml",
            "--codequality",
            "out/gl-code-quality.json",
            "--sarif",
            "out/rungs.sarif",
            "--json",
            "out/run.json",
            "--markdown",
            "out/summary.md",
            "--cobertura",
            "out/coverage.xml",
        ],
    );
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let out = root.join("out");

    // JUnit: a suite per check, classname = check, unique names, file and time.
    validate_junit(&out.join("junit.xml"));
    let xml = std::fs::read_to_string(out.join("junit.xml")).unwrap();
    let cases = junit_cases(&xml);
    for check in ["isort", "black", "flake8", "mypy", "coverage"] {
        let mine: Vec<&Case> = cases.iter().filter(|c| c.classname == check).collect();
        assert!(!mine.is_empty(), "no testcase of {check}");
        let names: HashSet<&str> = mine.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names.len(), mine.len(), "names of {check} are not unique");
        assert!(mine.iter().all(|c| c.time.parse::<f64>().is_ok()));
    }
    let pricing = cases
        .iter()
        .find(|c| c.classname == "flake8" && c.name == "catalog/pricing.py")
        .expect("flake8 testcase of catalog/pricing.py");
    assert_eq!(pricing.file.as_deref(), Some("catalog/pricing.py"));
    let failure = pricing.failure.as_deref().expect("a failure");
    assert!(
        failure.contains("catalog/pricing.py:1:1: F401 'os' imported but unused"),
        "{failure}"
    );
    assert!(failure.contains("F841"), "{failure}");
    let clean = cases
        .iter()
        .find(|c| c.classname == "flake8" && c.name == "catalog/models.py")
        .expect("a passing testcase per checked file");
    assert!(clean.failure.is_none());
    // Tests come from pytest's own report: every test, the failing one failed.
    let tests: Vec<&Case> = cases
        .iter()
        .filter(|c| c.classname == "coverage" && c.name.contains("::"))
        .collect();
    assert_eq!(tests.len(), 10);
    let failed = tests
        .iter()
        .find(|c| c.name == "catalog/tests/test_pricing.py::test_bulk_price_large_order")
        .unwrap();
    assert_eq!(
        failed.file.as_deref(),
        Some("catalog/tests/test_pricing.py")
    );
    assert!(
        failed
            .failure
            .as_deref()
            .unwrap()
            .contains("Decimal('9.00')")
    );
    let floor = cases
        .iter()
        .find(|c| c.classname == "coverage" && c.name == "coverage")
        .expect("the coverage floor as the check's own testcase");
    assert!(
        floor
            .failure
            .as_deref()
            .unwrap()
            .contains("below the floor of 80%")
    );

    // Code Quality: one entry per finding that names a file, unique fingerprints.
    check_jsonschema(
        "gitlab-codequality-report.json",
        &out.join("gl-code-quality.json"),
    );
    let cq = read_json(&out.join("gl-code-quality.json"));
    let entries = cq.as_array().unwrap();
    let json = read_json(&out.join("run.json"));
    let with_path = json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["findings"].as_array().unwrap())
        .filter(|f| f["path"].is_string())
        .count();
    assert_eq!(entries.len(), with_path);
    assert_eq!(entries.len(), 1 + 1 + 3 + 3 + 1);
    let fingerprints: HashSet<&str> = entries
        .iter()
        .map(|e| e["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(fingerprints.len(), entries.len());
    let f401 = entries
        .iter()
        .find(|e| e["check_name"] == "flake8:F401")
        .unwrap();
    assert_eq!(f401["location"]["path"], "catalog/pricing.py");
    assert_eq!(f401["location"]["lines"]["begin"], 1);
    assert_eq!(f401["severity"], "major");
    assert_eq!(f401["description"], "F401 'os' imported but unused");

    // SARIF 2.1.0: a run per check, rules, locations, partial fingerprints.
    check_jsonschema("sarif-schema-2.1.0.json", &out.join("rungs.sarif"));
    let sarif = read_json(&out.join("rungs.sarif"));
    assert_eq!(sarif["version"], "2.1.0");
    let flake8 = sarif["runs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["tool"]["driver"]["name"] == "flake8")
        .unwrap();
    let rules: Vec<&str> = flake8["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["E711", "F401", "F841"]);
    let result = &flake8["results"][0];
    assert_eq!(result["ruleId"], "F401");
    let location = &result["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "catalog/pricing.py");
    assert_eq!(location["region"]["startLine"], 1);
    assert_eq!(
        result["partialFingerprints"]["primaryLocationLineHash"],
        f401["fingerprint"]
    );

    // JSON: the whole run, as `--format json` prints it.
    assert_eq!(json["exit_code"], 1);
    assert_eq!(json["tier"], "standard");
    let coverage = json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == "coverage")
        .unwrap();
    assert_eq!(coverage["coverage"]["statements"], 94);

    // Markdown: the verdict, a table of checks, coverage, the failing findings.
    let md = std::fs::read_to_string(out.join("summary.md")).unwrap();
    assert!(md.starts_with("## rungs: ❌ failed\n"), "{md}");
    assert!(md.contains("| ❌ | flake8 | failed | 3 |"), "{md}");
    assert!(
        md.contains("**Coverage** (coverage): 67.02% of 94 lines (floor 80%)"),
        "{md}"
    );
    assert!(
        md.contains("- `catalog/pricing.py:1` **F401** 'os' imported but unused"),
        "{md}"
    );

    // Cobertura: filenames relative to the root, GitLab's totals.
    let cobertura = std::fs::read_to_string(out.join("coverage.xml")).unwrap();
    assert!(
        cobertura.contains(r#"lines-valid="94" lines-covered="63""#),
        "{cobertura}"
    );
    assert!(cobertura.contains(r#"filename="catalog/reports.py""#));
    assert!(cobertura.contains(r#"<line number="1" hits="0"/>"#));
}

#[test]
fn the_reports_table_in_the_config_writes_the_same_files() {
    if !require(&["flake8", "check-jsonschema"]) {
        return;
    }
    let dir = fixture("django-dirty");
    let root = dir.path();
    let pyproject = std::fs::read_to_string(root.join("pyproject.toml")).unwrap();
    write(
        root,
        "pyproject.toml",
        &format!(
            "{pyproject}\n[tool.rungs.reports]\njunit = \"reports/junit.xml\"\ncodequality = \"reports/gl-code-quality.json\"\n"
        ),
    );
    // Run from a subfolder: config paths are relative to the project root.
    let run = rungs(&root.join("catalog"), &["check", "--only", "flake8"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    check_jsonschema(
        "gitlab-codequality-report.json",
        &root.join("reports/gl-code-quality.json"),
    );
    let xml = std::fs::read_to_string(root.join("reports/junit.xml")).unwrap();
    assert!(xml.contains(r#"<testsuite name="flake8""#));
}

#[test]
fn a_report_that_cannot_be_written_is_an_error() {
    if !require(&["flake8"]) {
        return;
    }
    let dir = fixture("django-dirty");
    write(dir.path(), "blocked", "a file, not a folder");
    let run = rungs(
        dir.path(),
        &["check", "--only", "flake8", "--junit", "blocked/junit.xml"],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("could not write the JUnit report"),
        "{}",
        run.stderr
    );
}

#[test]
fn in_gitlab_ci_each_check_is_a_collapsible_section_collapsed_when_it_passed() {
    if !require(&["flake8", "isort"]) {
        return;
    }
    let dir = fixture("django-dirty");
    // isort's config is fine for catalog/, so it passes there.
    let run = rungs_env(
        dir.path(),
        &["check", "--only", "flake8,isort", "--files", "catalog"],
        &[("GITLAB_CI", "true")],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let section = regex::Regex::new(
        r"\x1b\[0Ksection_start:(\d+):rungs_(\w+)(\[collapsed=true\])?\r\x1b\[0K(.*)\n",
    )
    .unwrap();
    let starts: Vec<(String, bool, String)> = section
        .captures_iter(&run.stdout)
        .map(|c| (c[2].to_string(), c.get(3).is_some(), c[4].to_string()))
        .collect();
    let isort = starts
        .iter()
        .find(|s| s.0 == "isort")
        .expect("an isort section");
    assert!(isort.1, "a passing check's section is collapsed");
    assert!(isort.2.contains("isort") && isort.2.contains("passed"));
    let flake8 = starts
        .iter()
        .find(|s| s.0 == "flake8")
        .expect("a flake8 section");
    assert!(!flake8.1, "a failing check's section is open");
    for name in ["isort", "flake8"] {
        assert!(
            regex::Regex::new(&format!(r"\x1b\[0Ksection_end:\d+:rungs_{name}\r\x1b\[0K"))
                .unwrap()
                .is_match(&run.stdout),
            "{}",
            run.stdout
        );
    }
    // GitLab's coverage regex reads the same TOTAL line it always did; without
    // GITLAB_CI there are no section markers at all.
    let plain = rungs(dir.path(), &["check", "--only", "flake8"]);
    assert!(!plain.stdout.contains("section_start"));
}

struct Case {
    classname: String,
    name: String,
    file: Option<String>,
    time: String,
    failure: Option<String>,
}

/// The testcases of the JUnit report rungs wrote (already validated above).
fn junit_cases(xml: &str) -> Vec<Case> {
    let case = regex::Regex::new(r"(?s)<testcase ([^>]*?)(?:/>|>(.*?)</testcase>)").unwrap();
    let attr = regex::Regex::new(r#"([\w-]+)="([^"]*)""#).unwrap();
    let failure =
        regex::Regex::new(r"(?s)<(?:failure|error)[^>]*>(.*?)</(?:failure|error)>").unwrap();
    let unescape = |s: &str| quick_xml::escape::unescape(s).unwrap().into_owned();
    case.captures_iter(xml)
        .map(|c| {
            let attrs: std::collections::HashMap<String, String> = attr
                .captures_iter(&c[1])
                .map(|a| (a[1].to_string(), unescape(&a[2])))
                .collect();
            Case {
                classname: attrs.get("classname").cloned().unwrap_or_default(),
                name: attrs.get("name").cloned().unwrap_or_default(),
                file: attrs.get("file").cloned(),
                time: attrs.get("time").cloned().unwrap_or_default(),
                failure: c
                    .get(2)
                    .and_then(|body| failure.captures(body.as_str()))
                    .map(|f| unescape(&f[1])),
            }
        })
        .collect()
}
