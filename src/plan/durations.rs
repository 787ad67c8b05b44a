//! Recorded durations: per check, seconds per file (file-level checks) or per
//! run (project-level), and per test file for splitting test suites. They
//! order jobs longest first, predict the wall time and split shards: the
//! plan's own memory, kept whether or not results are cached.

use crate::fs::write_atomic;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Default)]
pub struct Durations {
    path: Option<PathBuf>,
    pub seconds: BTreeMap<String, f64>,
}

impl Durations {
    /// The durations recorded for a project; none when there is no cache folder.
    pub fn of_project(project_root: &Path) -> Durations {
        match crate::dirs::root() {
            Ok(r) => Durations::load(Some(
                crate::dirs::project_dir(&r, project_root).join("durations.json"),
            )),
            Err(_) => Durations::default(),
        }
    }

    pub fn load(path: Option<PathBuf>) -> Durations {
        let seconds = path
            .as_ref()
            .and_then(|p| std::fs::read(p).ok())
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        Durations { path, seconds }
    }

    pub fn get(&self, key: &str) -> Option<f64> {
        self.seconds.get(key).copied()
    }

    /// Record a measurement (a running mean weighted towards the new one).
    pub fn record(&mut self, key: String, seconds: f64) {
        let value = match self.seconds.get(&key) {
            Some(old) => 0.5 * old + 0.5 * seconds,
            None => seconds,
        };
        self.seconds.insert(key, value);
    }

    /// A test suite's run over `files`, spread by each file's share of the
    /// tests' own times where the runner reported them (slow files weigh
    /// more in the next split); a file with no reported time counts as the
    /// mean of those with one, and with none reported, evenly.
    pub fn record_tests(
        &mut self,
        id: &str,
        files: &[&String],
        seconds: f64,
        cases: &[crate::parse::TestCase],
    ) {
        let mut by_file: BTreeMap<&str, f64> = BTreeMap::new();
        // A case without a time says nothing of its file's.
        for case in cases.iter().filter(|c| c.seconds > 0.0) {
            if let Some(file) = &case.file {
                *by_file.entry(file).or_default() += case.seconds;
            }
        }
        let known: Vec<f64> = files
            .iter()
            .filter_map(|f| by_file.get(f.as_str()).copied())
            .collect();
        let mean = match known.len() {
            0 => 1.0,
            n => known.iter().sum::<f64>() / n as f64,
        };
        let weight = |f: &str| by_file.get(f).copied().unwrap_or(mean);
        let total: f64 = files.iter().map(|f| weight(f)).sum();
        for f in files {
            let share = if total > 0.0 {
                weight(f) / total
            } else {
                1.0 / files.len() as f64
            };
            self.record(format!("{id}::{f}"), seconds * share);
        }
    }

    pub fn save(&self) {
        if let Some(path) = &self.path
            && let Ok(bytes) = serde_json::to_vec_pretty(&self.seconds)
        {
            if let Some(parent) = path.parent() {
                let _ = std::fs::create_dir_all(parent);
            }
            let _ = write_atomic(path, &bytes);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Durations;
    use crate::parse::{TestCase, TestOutcome};

    fn case(file: &str, seconds: f64) -> TestCase {
        TestCase {
            name: format!("{file}::t"),
            file: Some(file.to_string()),
            line: None,
            seconds,
            outcome: TestOutcome::Passed,
            message: None,
        }
    }

    #[test]
    fn a_suite_is_spread_over_its_files_by_their_tests_times() {
        let mut d = Durations::default();
        let (slow, fast) = (
            "tests/test_slow.py".to_string(),
            "tests/test_fast.py".to_string(),
        );
        let cases = [case(&slow, 3.0), case(&slow, 3.0), case(&fast, 2.0)];
        d.record_tests("pytest", &[&slow, &fast], 10.0, &cases);
        assert_eq!(d.get("pytest::tests/test_slow.py"), Some(7.5));
        assert_eq!(d.get("pytest::tests/test_fast.py"), Some(2.5));
        // No times reported: evenly.
        let mut even = Durations::default();
        even.record_tests("pytest", &[&slow, &fast], 10.0, &[]);
        assert_eq!(even.get("pytest::tests/test_fast.py"), Some(5.0));
        // A file whose tests reported no time counts as the mean, not as free.
        let other = "tests/test_other.py".to_string();
        let mut mean = Durations::default();
        mean.record_tests("pytest", &[&slow, &fast, &other], 12.0, &cases);
        assert_eq!(mean.get("pytest::tests/test_other.py"), Some(4.0));
    }
}
