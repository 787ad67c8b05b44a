//! GitLab's collapsible log sections: with `GITLAB_CI` set, each check's output
//! goes in a section of the job log, collapsed when the check passed.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Whether the run is a GitLab CI job.
pub fn enabled() -> bool {
    std::env::var_os("GITLAB_CI").is_some_and(|v| !v.is_empty())
}

/// `header` as the section's title line and `body` inside it; the section
/// ends now and began `took` earlier, so GitLab shows the check's duration.
pub fn section(id: &str, header: &str, body: &str, collapsed: bool, took: Duration) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let start = now.saturating_sub(took.as_secs());
    let name: String = format!("rungs_{id}")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-' {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    let options = if collapsed { "[collapsed=true]" } else { "" };
    let mut out = format!(
        "\x1b[0Ksection_start:{start}:{name}{options}\r\x1b[0K{}\n",
        header.trim_end_matches('\n')
    );
    out.push_str(body);
    if !body.is_empty() && !body.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(&format!("\x1b[0Ksection_end:{now}:{name}\r\x1b[0K\n"));
    out
}
