//! `rungs baseline`: run the checks like `rungs check` and write the
//! fingerprints of today's findings to the baseline file (`.rungs-baseline.json`
//! unless the config's `baseline` names another), so a project can adopt a
//! stricter tier and fail only on new findings from then on.

use super::CheckArgs;
use crate::error::Error;
use std::path::Path;

pub fn run(cwd: &Path, args: &CheckArgs) -> Result<i32, Error> {
    let partial = if !args.selection.files.is_empty() {
        Some("--files")
    } else if args.selection.changed.is_some() {
        Some("--changed")
    } else if args.shard.is_some() {
        Some("--shard")
    } else {
        None
    };
    if let Some(flag) = partial {
        return Err(Error::Usage {
            message: format!(
                "`rungs baseline` takes no {flag}: the baseline holds the findings of every file"
            ),
            hint: Some(
                "use --only or --skip to record some checks and keep the others' entries".into(),
            ),
        });
    }
    let mut request = args.request();
    request.record_baseline = true;
    crate::pipeline::check(cwd, &request)
}
