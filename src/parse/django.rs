//! `manage.py makemigrations --check --dry-run`: each app whose models changed
//! with no migration for the change is a finding that names the app, the
//! migration Django would write and what it would do.

use super::{Input, Parsed};
use std::path::Path;

/// One `Migrations for 'APP':` block.
struct Missing {
    app: String,
    file: Option<String>,
    operations: Vec<String>,
}

pub fn migrations(input: &Input) -> Result<Parsed, String> {
    let mut missing: Vec<Missing> = Vec::new();
    for line in input.stdout.lines() {
        if let Some(app) = line
            .strip_prefix("Migrations for '")
            .and_then(|rest| rest.strip_suffix("':"))
        {
            missing.push(Missing {
                app: app.to_string(),
                file: None,
                operations: Vec::new(),
            });
            continue;
        }
        let Some(block) = missing.last_mut() else {
            continue;
        };
        let item = line.trim();
        if block.file.is_none() && item.ends_with(".py") {
            block.file = Some(input.relative(item));
        } else if item.starts_with(['+', '-', '~', '*']) {
            block.operations.push(item.to_string());
        }
    }
    if missing.is_empty() {
        if input.stdout.contains("No changes detected") {
            return Ok(Parsed::default());
        }
        // Neither verdict: Django never got to the models.
        return match super::reason::reason(input.stderr) {
            Some(why) => Err(format!(
                "manage.py makemigrations could not load the project: {why} ({})",
                settings(input.root)
            )),
            _ => Ok(Parsed::default()),
        };
    }
    let findings = missing
        .into_iter()
        .map(|m| {
            // The app's models, where the change is; else no file to point at.
            let models = m
                .file
                .as_deref()
                .and_then(|f| Path::new(f).parent()?.parent())
                .map(|app| app.join("models.py"))
                .filter(|p| input.root.join(p).is_file())
                .map(|p| p.to_string_lossy().into_owned());
            let mut f = input.finding(models, None, None);
            f.rule = Some("missing-migration".into());
            let mut message = format!("app '{}' has model changes with no migration", m.app);
            if !m.operations.is_empty() {
                message.push_str(&format!(": {}", m.operations.join("; ")));
            }
            if let Some(file) = &m.file {
                message.push_str(&format!(" (makemigrations would write {file})"));
            }
            f.message = message;
            f
        })
        .collect();
    Ok(Parsed::of(findings))
}

/// Which settings module manage.py was run with, and where that came from.
fn settings(root: &Path) -> String {
    if let Ok(module) = std::env::var("DJANGO_SETTINGS_MODULE") {
        return format!(
            "it ran with DJANGO_SETTINGS_MODULE={module} from the environment; set it to the project's settings module"
        );
    }
    let default = std::fs::read_to_string(root.join("manage.py"))
        .ok()
        .and_then(|text| {
            let re = regex::Regex::new(
                r#"setdefault\(\s*["']DJANGO_SETTINGS_MODULE["']\s*,\s*["']([^"']+)["']"#,
            )
            .ok()?;
            Some(re.captures(&text)?[1].to_string())
        });
    match default {
        Some(module) => format!(
            "it ran with manage.py's default settings {module}; set DJANGO_SETTINGS_MODULE to the project's settings module"
        ),
        None => "DJANGO_SETTINGS_MODULE is not set; set it to the project's settings module".into(),
    }
}
