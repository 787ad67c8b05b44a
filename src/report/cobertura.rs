//! Cobertura XML for GitLab's `artifacts:reports:coverage_report`, written from
//! the coverage rungs read (coverage.py JSON, Cobertura or lcov alike, also when
//! replayed from the cache). GitLab matches `<class filename>` against the
//! merge request's files, so filenames are relative to the project root.

use super::context::Context;
use super::junit::xml_text;
use crate::parse::FileCoverage;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, Event};
use std::collections::BTreeMap;

pub fn render(ctx: &Context) -> Vec<u8> {
    let mut files: BTreeMap<&str, &FileCoverage> = BTreeMap::new();
    for check in &ctx.summary.checks {
        for f in check.coverage.iter().flat_map(|c| &c.files) {
            files.entry(f.path.as_str()).or_insert(f);
        }
    }
    let covered: usize = files.values().map(|f| f.covered.len()).sum();
    let valid: usize = covered + files.values().map(|f| f.missed.len()).sum::<usize>();
    let mut packages: BTreeMap<&str, Vec<&FileCoverage>> = BTreeMap::new();
    for (path, f) in &files {
        let dir = path.rsplit_once('/').map_or(".", |(d, _)| d);
        packages.entry(dir).or_default().push(f);
    }
    let timestamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    let _ = w.write_event(Event::Decl(BytesDecl::new("1.0", None, None)));
    let mut root = BytesStart::new("coverage");
    root.push_attribute(("version", concat!("rungs ", env!("CARGO_PKG_VERSION"))));
    root.push_attribute(("timestamp", timestamp.to_string().as_str()));
    root.push_attribute(("lines-valid", valid.to_string().as_str()));
    root.push_attribute(("lines-covered", covered.to_string().as_str()));
    root.push_attribute(("line-rate", rate(covered, valid).as_str()));
    root.push_attribute(("branches-covered", "0"));
    root.push_attribute(("branches-valid", "0"));
    root.push_attribute(("branch-rate", "0"));
    root.push_attribute(("complexity", "0"));
    let _ = w.write_event(Event::Start(root));
    let _ = w.write_event(Event::Start(BytesStart::new("sources")));
    let _ = w.write_event(Event::Start(BytesStart::new("source")));
    let _ = w.write_event(Event::Text(quick_xml::events::BytesText::new(&xml_text(
        &ctx.root.to_string_lossy(),
    ))));
    let _ = w.write_event(Event::End(BytesEnd::new("source")));
    let _ = w.write_event(Event::End(BytesEnd::new("sources")));
    let _ = w.write_event(Event::Start(BytesStart::new("packages")));
    for (dir, members) in &packages {
        let c: usize = members.iter().map(|f| f.covered.len()).sum();
        let v: usize = c + members.iter().map(|f| f.missed.len()).sum::<usize>();
        let mut package = BytesStart::new("package");
        package.push_attribute(("name", xml_text(&dir.replace('/', ".")).as_str()));
        package.push_attribute(("line-rate", rate(c, v).as_str()));
        package.push_attribute(("branch-rate", "0"));
        package.push_attribute(("complexity", "0"));
        let _ = w.write_event(Event::Start(package));
        let _ = w.write_event(Event::Start(BytesStart::new("classes")));
        for f in members {
            let name = f.path.rsplit('/').next().unwrap_or(&f.path);
            let mut class = BytesStart::new("class");
            class.push_attribute(("name", xml_text(name).as_str()));
            class.push_attribute(("filename", xml_text(&f.path).as_str()));
            let n = f.covered.len() + f.missed.len();
            class.push_attribute(("line-rate", rate(f.covered.len(), n).as_str()));
            class.push_attribute(("branch-rate", "0"));
            class.push_attribute(("complexity", "0"));
            let _ = w.write_event(Event::Start(class));
            let _ = w.write_event(Event::Empty(BytesStart::new("methods")));
            let _ = w.write_event(Event::Start(BytesStart::new("lines")));
            let mut lines: Vec<(u32, bool)> = f
                .covered
                .iter()
                .map(|&l| (l, true))
                .chain(f.missed.iter().map(|&l| (l, false)))
                .collect();
            lines.sort();
            for (number, hit) in lines {
                let mut line = BytesStart::new("line");
                line.push_attribute(("number", number.to_string().as_str()));
                line.push_attribute(("hits", if hit { "1" } else { "0" }));
                let _ = w.write_event(Event::Empty(line));
            }
            let _ = w.write_event(Event::End(BytesEnd::new("lines")));
            let _ = w.write_event(Event::End(BytesEnd::new("class")));
        }
        let _ = w.write_event(Event::End(BytesEnd::new("classes")));
        let _ = w.write_event(Event::End(BytesEnd::new("package")));
    }
    let _ = w.write_event(Event::End(BytesEnd::new("packages")));
    let _ = w.write_event(Event::End(BytesEnd::new("coverage")));
    let mut out = w.into_inner();
    out.push(b'\n');
    out
}

fn rate(covered: usize, valid: usize) -> String {
    if valid == 0 {
        "1".into()
    } else {
        format!("{:.4}", covered as f64 / valid as f64)
    }
}
