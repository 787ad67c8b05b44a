//! Reading pre-commit's YAML files by hand over saphyr's marked tree, so every
//! error and warning can name the line and column of the value at fault.

use crate::error::Error;
use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};
use std::path::Path;

/// One YAML file being read: its path, for messages.
pub struct Doc<'a> {
    pub path: &'a Path,
}

/// Where a value sits: 1-based line and column.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

pub fn pos(node: &MarkedYaml) -> Pos {
    Pos {
        line: node.span.start.line(),
        column: node.span.start.col() + 1,
    }
}

/// Parse a whole file into its one document (an empty file is `null`).
pub fn load<'t>(path: &Path, text: &'t str) -> Result<MarkedYaml<'t>, Error> {
    let docs = MarkedYaml::load_from_str(text).map_err(|e| Error::Config {
        path: path.to_path_buf(),
        line: e.marker().line(),
        column: e.marker().col() + 1,
        message: format!("not valid YAML: {}", e.info()),
    })?;
    Ok(docs
        .into_iter()
        .next()
        .unwrap_or_else(|| MarkedYaml::value_from_str("~")))
}

impl Doc<'_> {
    pub fn error(&self, at: Pos, message: impl Into<String>) -> Error {
        Error::Config {
            path: self.path.to_path_buf(),
            line: at.line,
            column: at.column,
            message: message.into(),
        }
    }

    /// The entries of a mapping, keys as strings.
    pub fn mapping<'n, 't>(
        &self,
        node: &'n MarkedYaml<'t>,
        what: &str,
    ) -> Result<Vec<(String, Pos, &'n MarkedYaml<'t>)>, Error> {
        match &node.data {
            YamlData::Mapping(map) => map
                .iter()
                .map(|(k, v)| Ok((self.string(k, "a key")?, pos(k), v)))
                .collect(),
            _ => Err(self.error(pos(node), format!("expected {what} (a mapping)"))),
        }
    }

    pub fn sequence<'n, 't>(
        &self,
        node: &'n MarkedYaml<'t>,
        what: &str,
    ) -> Result<&'n [MarkedYaml<'t>], Error> {
        match &node.data {
            YamlData::Sequence(items) => Ok(items),
            _ => Err(self.error(pos(node), format!("expected {what} (a list)"))),
        }
    }

    /// A scalar as pre-commit reads it into a string field: strings as they
    /// are; a number written bare (`rev: 6.0`) is an error there, and here.
    pub fn string(&self, node: &MarkedYaml, what: &str) -> Result<String, Error> {
        match &node.data {
            YamlData::Value(Scalar::String(s)) => Ok(s.to_string()),
            YamlData::Representation(s, ..) => Ok(s.to_string()),
            YamlData::Value(other) => Err(self.error(
                pos(node),
                format!(
                    "expected {what} (a string), found {}; quote it",
                    scalar_text(other)
                ),
            )),
            _ => Err(self.error(pos(node), format!("expected {what} (a string)"))),
        }
    }

    pub fn bool(&self, node: &MarkedYaml, what: &str) -> Result<bool, Error> {
        match &node.data {
            YamlData::Value(Scalar::Boolean(b)) => Ok(*b),
            _ => Err(self.error(pos(node), format!("expected {what} (true or false)"))),
        }
    }

    pub fn strings(&self, node: &MarkedYaml, what: &str) -> Result<Vec<String>, Error> {
        self.sequence(node, what)?
            .iter()
            .map(|item| self.string(item, &format!("each item of {what}")))
            .collect()
    }

    /// A mapping of strings to strings (`default_language_version`).
    pub fn string_map(
        &self,
        node: &MarkedYaml,
        what: &str,
    ) -> Result<Vec<(String, String)>, Error> {
        self.mapping(node, what)?
            .into_iter()
            .map(|(k, _, v)| Ok((k, self.string(v, what)?)))
            .collect()
    }
}

fn scalar_text(s: &Scalar) -> String {
    match s {
        Scalar::Null => "nothing".into(),
        Scalar::Boolean(b) => b.to_string(),
        Scalar::Integer(i) => format!("the number {i}"),
        Scalar::FloatingPoint(f) => format!("the number {f}"),
        Scalar::String(s) => s.to_string(),
    }
}
