//! TOML manifests read with `toml_edit`, which keeps every value's byte span,
//! so an edit replaces the characters of one string and nothing else: no
//! re-serialization, no changed quotes, no moved comments.

use super::ManifestError;
use std::ops::Range;
use std::path::Path;
use toml_edit::{Document, Item, TableLike, Value};

/// Parse, or say where and what the TOML error is.
pub fn parse<'a>(text: &'a str, path: &Path) -> Result<Document<&'a str>, ManifestError> {
    Document::parse(text).map_err(|e| ManifestError {
        path: path.to_path_buf(),
        line: e.span().map_or(0, |s| line_of(text, s.start)),
        message: format!("invalid TOML: {}", e.message()),
    })
}

/// 1-based line of a byte offset.
pub fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// The line a value starts on.
pub fn value_line(text: &str, value: &Value) -> usize {
    value.span().map_or(0, |s| line_of(text, s.start))
}

/// The table at a dotted path of plain keys (`tool.poetry.dependencies`).
pub fn table_at<'a>(root: &'a Item, path: &[&str]) -> Option<&'a dyn TableLike> {
    let mut item = root;
    for key in path {
        item = item.as_table_like()?.get(key)?;
    }
    item.as_table_like()
}

/// The byte range of a string value's characters in `text`, when they are
/// written without escapes (so a position in the value is a position in the
/// text).
pub fn string_range(text: &str, value: &Value) -> Option<Range<usize>> {
    let decoded = value.as_str()?;
    let span = value.span()?;
    let raw = text.get(span.clone())?;
    let quote = ["\"\"\"", "'''", "\"", "'"]
        .into_iter()
        .find(|q| raw.starts_with(q) && raw.ends_with(q) && raw.len() >= 2 * q.len())?;
    let inner = span.start + quote.len()..span.end - quote.len();
    (text.get(inner.clone())? == decoded).then_some(inner)
}

/// `text` with `range` replaced by `new`, refusing characters the string's
/// quoting cannot hold as they are.
pub fn splice(
    text: &str,
    range: Range<usize>,
    new: &str,
    path: &Path,
) -> Result<String, ManifestError> {
    if new.contains(['"', '\'', '\\', '\n', '\r']) {
        return Err(ManifestError {
            path: path.to_path_buf(),
            line: line_of(text, range.start),
            message: format!(
                "cannot write the requirement `{new}`: it holds quotes, backslashes or newlines"
            ),
        });
    }
    let mut out = String::with_capacity(text.len() + new.len());
    out.push_str(&text[..range.start]);
    out.push_str(new);
    out.push_str(&text[range.end..]);
    Ok(out)
}

/// The error for an entry `edit` was asked to change but cannot find.
pub fn not_found(path: &Path, section: &str, name: &str, requirement: &str) -> ManifestError {
    ManifestError {
        path: path.to_path_buf(),
        line: 0,
        message: format!(
            "expected `{name}` with requirement `{requirement}` in `{section}`; the manifest changed since it was read"
        ),
    }
}

/// A keyed dependency entry (`name = "1.0"` or `name = { version = "1.0" }`
/// or `[dependencies.name]` with `version`): the value holding the version,
/// and the entry's table when it has one.
pub fn keyed_version(item: &Item) -> (Option<&Value>, Option<&dyn TableLike>) {
    if let Some(value) = item.as_value().filter(|v| v.is_str()) {
        return (Some(value), None);
    }
    let Some(table) = item.as_table_like() else {
        return (None, None);
    };
    let version = table
        .get("version")
        .and_then(|v| v.as_value())
        .filter(|v| v.is_str());
    (version, Some(table))
}
