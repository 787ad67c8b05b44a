//! Moving a repo's `rev:` in `.pre-commit-config.yaml` without touching
//! anything else: the bytes of the rev scalar are replaced (inside its
//! quotes, when it has some), and for a frozen SHA the version of its
//! `# frozen: vX.Y` comment. Comments, quoting, order and layout survive,
//! as they do for `pre-commit autoupdate`, which also edits the text.

use super::config::{CONFIG_FILE, Config, RepoSource};
use std::path::Path;

/// A new rev as the bump job writes it: a tag, or a commit with the tag it
/// stands for (`{sha}  # frozen: {tag}`).
pub const FROZEN: &str = "  # frozen: ";

/// `text` with the `rev:` of the repo `url` at `old` replaced by `new` (a tag,
/// or `SHA  # frozen: TAG`); the error says the line and what was expected.
pub fn edit(text: &str, url: &str, old: &str, new: &str) -> Result<String, (usize, String)> {
    let config = Config::parse(Path::new(CONFIG_FILE), text).map_err(|e| (0, e.to_string()))?;
    let (new_rev, new_frozen) = match new.split_once(FROZEN) {
        Some((sha, tag)) => (sha, Some(tag)),
        None => (new, None),
    };
    let at = config
        .repos
        .iter()
        .find(|r| matches!(&r.source, RepoSource::Remote { url: u, rev, .. } if u == url && rev == old))
        .and_then(|r| r.rev_pos)
        .ok_or_else(|| (0, format!("expected a repo `{url}` at rev `{old}`")))?;
    let start_of_line: usize = text
        .split_inclusive('\n')
        .take(at.line.saturating_sub(1))
        .map(str::len)
        .sum();
    let line_end = text[start_of_line..]
        .find('\n')
        .map_or(text.len(), |i| start_of_line + i);
    let line = &text[start_of_line..line_end];
    let column = line
        .char_indices()
        .nth(at.column.saturating_sub(1))
        .map(|(i, _)| i)
        .ok_or_else(|| (at.line, "expected the rev on this line".to_string()))?;
    let rest = &line[column..];
    // The scalar's characters: inside its quotes, or up to a space, a comma
    // or a closing bracket of a flow mapping.
    let (from, to) = match rest.chars().next() {
        Some(q @ ('"' | '\'')) => {
            let close = rest[1..]
                .find(q)
                .ok_or_else(|| (at.line, "expected the rev's closing quote".to_string()))?;
            (1, 1 + close)
        }
        _ => (
            0,
            rest.find([' ', '\t', ',', '}', ']', '#'])
                .unwrap_or(rest.len()),
        ),
    };
    if &rest[from..to] != old {
        return Err((
            at.line,
            format!("expected `{old}` at the rev, found `{}`", &rest[from..to]),
        ));
    }
    let mut edited_line = format!("{}{}{}", &line[..column + from], new_rev, &rest[to..]);
    if let Some(tag) = new_frozen {
        let after = column + from + new_rev.len();
        let comment = edited_line[after..].find("# frozen:").map(|i| after + i);
        match comment {
            Some(c) => {
                let value_start = c + "# frozen:".len();
                let tail = &edited_line[value_start..];
                let lead = tail.len() - tail.trim_start().len();
                let value_end = tail[lead..]
                    .find(char::is_whitespace)
                    .map_or(edited_line.len(), |i| value_start + lead + i);
                edited_line.replace_range(value_start + lead..value_end, tag);
            }
            None => {
                return Err((
                    at.line,
                    "expected a `# frozen:` comment after the commit".to_string(),
                ));
            }
        }
    }
    Ok(format!(
        "{}{}{}",
        &text[..start_of_line],
        edited_line,
        &text[line_end..]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_rev_moves_in_every_style() {
        let text = "repos:\n- repo: https://a\n  rev: v1.0  # keep me\n  hooks: [{id: x}]\n- repo: https://b\n  rev: '2.0'\n  hooks: [{id: y}]\n- {repo: https://c, rev: \"3.0\", hooks: [{id: z}]}\n- repo: https://d\n  rev: 0123456789abcdef0123456789abcdef01234567   # frozen: v4.0 (tag)\n  hooks: [{id: w}]\n";
        let text = edit(text, "https://a", "v1.0", "v1.1").unwrap();
        let text = edit(&text, "https://b", "2.0", "2.10.1").unwrap();
        let text = edit(&text, "https://c", "3.0", "3.1").unwrap();
        let text = edit(
            &text,
            "https://d",
            "0123456789abcdef0123456789abcdef01234567",
            "fedcba9876543210fedcba9876543210fedcba98  # frozen: v4.1",
        )
        .unwrap();
        assert_eq!(
            text,
            "repos:\n- repo: https://a\n  rev: v1.1  # keep me\n  hooks: [{id: x}]\n- repo: https://b\n  rev: '2.10.1'\n  hooks: [{id: y}]\n- {repo: https://c, rev: \"3.1\", hooks: [{id: z}]}\n- repo: https://d\n  rev: fedcba9876543210fedcba9876543210fedcba98   # frozen: v4.1 (tag)\n  hooks: [{id: w}]\n"
        );
    }

    #[test]
    fn a_rev_that_is_not_there_is_said() {
        let text = "repos:\n- repo: https://a\n  rev: v1.0\n  hooks: [{id: x}]\n";
        assert_eq!(
            edit(text, "https://a", "v0.9", "v1.1").unwrap_err(),
            (0, "expected a repo `https://a` at rev `v0.9`".to_string())
        );
    }

    /// Real configs (`fixtures/precommit-configs`): every rev moved, and
    /// nothing else: the configs read the same but for their revs, and each
    /// changed line is its old self with the rev's characters replaced.
    #[test]
    fn real_configs_round_trip_byte_for_byte_but_the_revs() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/precommit-configs");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
            .collect();
        files.sort();
        assert!(files.len() >= 10, "{files:?}");
        for path in files {
            let original = std::fs::read_to_string(&path).unwrap();
            let before = Config::parse(Path::new(CONFIG_FILE), &original).unwrap();
            let mut text = original.clone();
            let mut moved = Vec::new();
            for (i, repo) in before.repos.iter().enumerate() {
                let RepoSource::Remote { url, rev, .. } = &repo.source else {
                    continue;
                };
                let new = format!("{}99.{i}.0", if rev.starts_with('v') { "v" } else { "" });
                text = edit(&text, url, rev, &new)
                    .unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
                moved.push((repo.rev_pos.unwrap().line, rev.clone(), new));
            }
            assert!(!moved.is_empty(), "{}", path.display());
            let after = Config::parse(Path::new(CONFIG_FILE), &text).unwrap();
            assert_eq!(after.repos.len(), before.repos.len());
            for (a, b) in after.repos.iter().zip(&before.repos) {
                assert_eq!(a.hooks, b.hooks, "{}", path.display());
                assert_eq!(a.pos, b.pos);
            }
            let (old_lines, new_lines): (Vec<&str>, Vec<&str>) =
                (original.split('\n').collect(), text.split('\n').collect());
            assert_eq!(old_lines.len(), new_lines.len());
            for (n, (o, e)) in old_lines.iter().zip(&new_lines).enumerate() {
                match moved.iter().find(|(line, _, _)| *line == n + 1) {
                    Some((_, rev, new)) => {
                        assert_eq!(
                            *e,
                            o.replacen(rev.as_str(), new, 1),
                            "{}:{}",
                            path.display(),
                            n + 1
                        )
                    }
                    None => assert_eq!(e, o, "{}:{}", path.display(), n + 1),
                }
            }
        }
    }
}
