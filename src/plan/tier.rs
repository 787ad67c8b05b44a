//! The tier ladder and how a tier is chosen: a flag, the config, or the size.

use crate::config::Config;
use crate::error::Error;
use crate::preset::{DEFAULT_TIERS, SizeClass};
use crate::project::Project;

/// The ordered tier names of this project, lowest first.
#[derive(Clone, Debug)]
pub struct Ladder(pub Vec<String>);

impl Ladder {
    pub fn of(config: &Config) -> Result<Ladder, Error> {
        match &config.raw.tiers {
            Some(t) if t.get_ref().is_empty() => Err(config.source().error(
                t.span(),
                "`tiers` is empty (expected tier names, lowest first)",
            )),
            Some(t) => Ok(Ladder(t.get_ref().clone())),
            None => Ok(Ladder(
                DEFAULT_TIERS.iter().map(|s| s.to_string()).collect(),
            )),
        }
    }

    /// Rank of a tier name; a built-in name missing from a renamed ladder keeps its position.
    pub fn rank(&self, name: &str) -> Option<usize> {
        self.0.iter().position(|t| t == name).or_else(|| {
            DEFAULT_TIERS
                .iter()
                .position(|t| *t == name)
                .map(|i| i.min(self.0.len() - 1))
        })
    }

    pub fn name(&self, rank: usize) -> &str {
        &self.0[rank.min(self.0.len() - 1)]
    }
}

/// The chosen tier and the rule that chose it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct TierChoice {
    pub name: String,
    #[serde(skip)]
    pub rank: usize,
    pub reason: String,
    pub size_class: Option<SizeClass>,
}

pub fn choose_tier(
    project: &Project,
    ladder: &Ladder,
    flag: Option<&str>,
) -> Result<TierChoice, Error> {
    let classes = size_classes(project);
    let size_class = classes
        .iter()
        .find(|c| c.below.is_none_or(|b| project.size.code_lines < b))
        .cloned();
    if let Some(name) = flag {
        let rank = ladder.rank(name).ok_or_else(|| Error::Usage {
            message: format!("unknown tier `{name}`"),
            hint: Some(format!("tiers are: {}", ladder.0.join(", "))),
        })?;
        return Ok(TierChoice {
            name: ladder.name(rank).to_string(),
            rank,
            reason: "set by --tier".into(),
            size_class,
        });
    }
    let source = project.config.source();
    if let Some(t) = &project.config.raw.tier {
        let rank = ladder.rank(t.get_ref()).ok_or_else(|| {
            source.error(
                t.span(),
                format!(
                    "unknown tier `{}` (expected one of: {})",
                    t.get_ref(),
                    ladder.0.join(", ")
                ),
            )
        })?;
        let (line, _) = source.locate(t.span().start);
        return Ok(TierChoice {
            name: ladder.name(rank).to_string(),
            rank,
            reason: format!("pinned in {}:{line}", source.path.display()),
            size_class,
        });
    }
    let Some(class) = size_class else {
        return Ok(TierChoice {
            name: ladder.name(0).to_string(),
            rank: 0,
            reason: "no size class applies; lowest tier".into(),
            size_class: None,
        });
    };
    let rank = ladder.rank(&class.tier).ok_or_else(|| Error::ConfigFile {
        path: source.path.clone(),
        message: format!(
            "size class `{}` names unknown tier `{}`",
            class.name, class.tier
        ),
    })?;
    let rule = match class.below {
        Some(b) => format!("< {} code lines", thousands(b)),
        None => "no upper bound".into(),
    };
    Ok(TierChoice {
        name: ladder.name(rank).to_string(),
        rank,
        reason: format!("size class {} ({rule})", class.name),
        size_class: Some(class),
    })
}

fn size_classes(project: &Project) -> Vec<SizeClass> {
    if let Some(c) = &project.config.raw.size_classes {
        return c.clone();
    }
    project
        .stacks
        .first()
        .map(|s| s.preset.size_classes.clone())
        .unwrap_or_default()
}

/// 12345 -> "12,345".
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
