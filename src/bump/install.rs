//! Commands a bump runs in its worktree: the lock file's regeneration and
//! the environment's refresh (the configured install command, else one per
//! ecosystem the project uses).

use std::path::Path;
use std::process::Command;

pub fn run_command(dir: &Path, argv: &[String]) -> Result<(), String> {
    if argv.is_empty() {
        return Err("the command is empty (expected a program and its arguments)".into());
    }
    let out = Command::new(&argv[0])
        .args(&argv[1..])
        .current_dir(dir)
        .output()
        .map_err(|e| format!("could not run {}: {e}", argv[0]))?;
    if out.status.success() {
        return Ok(());
    }
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<&str> = text.lines().collect();
    Err(lines[lines.len().saturating_sub(30)..].join("\n"))
}

/// The configured install command, else one per ecosystem the project uses.
pub fn install_commands(dir: &Path, project: &crate::project::Project) -> Vec<Vec<String>> {
    if let Some(cmd) = &project.config.raw.bump.install {
        return vec![cmd.clone()];
    }
    let mut cmds = Vec::new();
    let has = |name: &str| dir.join(name).exists();
    let requirements: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            let mut names: Vec<String> = entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with("requirements") && n.ends_with(".txt"))
                .collect();
            names.sort();
            names
        })
        .unwrap_or_default();
    // A package is installed itself too, as tox and nox install it before
    // its tests: its requirements files name only what it needs beside it.
    let package = has("setup.py")
        || std::fs::read_to_string(dir.join("pyproject.toml"))
            .is_ok_and(|t| t.contains("[project]"));
    let python_project = !requirements.is_empty() || package;
    if python_project {
        if !has(".venv/bin/python") {
            cmds.push(vec![
                "python3".into(),
                "-m".into(),
                "venv".into(),
                ".venv".into(),
            ]);
        }
        let pip = |rest: &[&str]| -> Vec<String> {
            let mut v: Vec<String> = vec![
                ".venv/bin/python".into(),
                "-m".into(),
                "pip".into(),
                "install".into(),
                "--quiet".into(),
                "--disable-pip-version-check".into(),
            ];
            v.extend(rest.iter().map(|s| s.to_string()));
            v
        };
        for r in &requirements {
            cmds.push(pip(&["-r", r]));
        }
        if package {
            cmds.push(pip(&["-e", "."]));
        }
    }
    if has("Cargo.toml") {
        cmds.push(vec!["cargo".into(), "fetch".into()]);
    }
    if has("package.json") {
        if has("package-lock.json") {
            cmds.push(vec![
                "npm".into(),
                "ci".into(),
                "--no-audit".into(),
                "--no-fund".into(),
            ]);
        } else {
            cmds.push(vec![
                "npm".into(),
                "install".into(),
                "--no-audit".into(),
                "--no-fund".into(),
            ]);
        }
    }
    cmds
}
