//! One error type for the whole program, rendered in one place (`main`).
//!
//! Errors are made where the problem is found, with the file, line and what was
//! expected; `main` prints them once with their hint and maps them to an exit code.

use std::path::PathBuf;

/// Exit codes, as the README documents them.
pub mod exit {
    pub const PASSED: i32 = 0;
    pub const FAILED: i32 = 1;
    pub const USAGE: i32 = 2;
    pub const INTERRUPTED: i32 = 130;
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}:{line}:{column}: {message}")]
    Config {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}: {message}")]
    ConfigFile { path: PathBuf, message: String },
    #[error("check `{check}` needs `{tool}`, which was not found{detail}")]
    ToolMissing {
        check: String,
        tool: String,
        detail: String,
        hint: Option<String>,
    },
    #[error("could not install `{what}` for check `{check}`: {message}")]
    Install {
        check: String,
        what: String,
        message: String,
    },
    #[error("{message}")]
    Usage {
        message: String,
        hint: Option<String>,
    },
    #[error("git: {message}")]
    Git { message: String },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("interrupted")]
    Interrupted,
}

impl Error {
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Interrupted => exit::INTERRUPTED,
            _ => exit::USAGE,
        }
    }

    pub fn hint(&self) -> Option<&str> {
        match self {
            Error::ToolMissing { hint, .. } | Error::Usage { hint, .. } => hint.as_deref(),
            _ => None,
        }
    }

    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    pub fn usage(message: impl Into<String>) -> Error {
        Error::Usage {
            message: message.into(),
            hint: None,
        }
    }
}
