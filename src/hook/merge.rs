//! A fixer's change to the staged version of a file, carried over to the
//! working tree version with git's own three-way merge.

use crate::error::Error;
use crate::git::Repo;

/// `ours` (work tree) with the change `base` (index) -> `theirs` (fixed)
/// applied; `None` when the two conflict.
pub fn three_way(
    repo: &Repo,
    base: &[u8],
    ours: &[u8],
    theirs: &[u8],
) -> Result<Option<Vec<u8>>, Error> {
    let dir = tempfile::tempdir().map_err(|e| Error::io(std::env::temp_dir(), e))?;
    let write = |name: &str, bytes: &[u8]| -> Result<String, Error> {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))?;
        Ok(path.display().to_string())
    };
    let (o, b, t) = (
        write("ours", ours)?,
        write("base", base)?,
        write("theirs", theirs)?,
    );
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(&repo.top)
        .args(["merge-file", "-p", "--", &o, &b, &t])
        .output()
        .map_err(|e| Error::Git {
            message: format!("could not run git merge-file: {e}"),
        })?;
    match out.status.code() {
        Some(0) => Ok(Some(out.stdout)),
        Some(n) if n > 0 => Ok(None),
        _ => Err(Error::Git {
            message: format!(
                "git merge-file failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ),
        }),
    }
}
