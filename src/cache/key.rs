//! Cache keys. Every input that can change a check's verdict goes in, in a
//! fixed order, each field length-prefixed so no two inputs hash alike:
//! schema version, check definition as run, tool version, config inputs'
//! contents, declared environment variables (unset differs from empty), then
//! the files (per file, or all of them).
//!
//! Each key is built twice at once: as this machine sees it, and as any
//! machine would (the shared key, for the remote cache). They differ only
//! where a field holds something true on one machine alone: the project's
//! own folder is written as a placeholder in the shared key, and a field
//! that names a place outside the project (a tool or a virtualenv elsewhere)
//! leaves the key without a shared form: such a result is never shared.

use std::fmt;

/// Bump when the meaning of a stored entry changes.
pub const SCHEMA: u32 = 2;

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct CacheKey(pub [u8; 32]);

impl fmt::Display for CacheKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for CacheKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CacheKey({self})")
    }
}

/// A hasher that writes each field with its length, so fields never run
/// together; it keeps the shared key alongside while there is one.
#[derive(Clone)]
pub struct KeyBuilder {
    local: blake3::Hasher,
    shared: Option<blake3::Hasher>,
}

impl KeyBuilder {
    pub fn new(tag: &str) -> KeyBuilder {
        let mut b = KeyBuilder {
            local: blake3::Hasher::new(),
            shared: Some(blake3::Hasher::new()),
        };
        b.u64(u64::from(SCHEMA));
        b.str(tag);
        b
    }

    pub fn bytes(&mut self, bytes: &[u8]) -> &mut Self {
        self.split(bytes, Some(bytes))
    }

    /// A field as this machine sees it, and as every machine would: `None`
    /// when it has no machine-independent form, which leaves the key
    /// without a shared one.
    pub fn split(&mut self, local: &[u8], shared: Option<&[u8]>) -> &mut Self {
        self.local.update(&(local.len() as u64).to_le_bytes());
        self.local.update(local);
        match shared {
            Some(s) => {
                if let Some(h) = &mut self.shared {
                    h.update(&(s.len() as u64).to_le_bytes());
                    h.update(s);
                }
            }
            None => self.shared = None,
        }
        self
    }

    pub fn str(&mut self, s: &str) -> &mut Self {
        self.bytes(s.as_bytes())
    }

    pub fn u64(&mut self, n: u64) -> &mut Self {
        self.local.update(&n.to_le_bytes());
        if let Some(h) = &mut self.shared {
            h.update(&n.to_le_bytes());
        }
        self
    }

    /// An optional value: absent and empty hash differently.
    pub fn opt(&mut self, value: Option<&[u8]>) -> &mut Self {
        match value {
            None => self.u64(0),
            Some(v) => self.u64(1).bytes(v),
        }
    }

    pub fn finish(&self) -> CacheKey {
        CacheKey(*self.local.finalize().as_bytes())
    }

    /// The key any machine computes for the same inputs, if there is one.
    pub fn finish_shared(&self) -> Option<CacheKey> {
        self.shared
            .as_ref()
            .map(|h| CacheKey(*h.finalize().as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unset_and_empty_differ_and_fields_do_not_run_together() {
        let unset = KeyBuilder::new("t").opt(None).finish();
        let empty = KeyBuilder::new("t").opt(Some(b"")).finish();
        assert_ne!(unset, empty);
        let ab_c = KeyBuilder::new("t").str("ab").str("c").finish();
        let a_bc = KeyBuilder::new("t").str("a").str("bc").finish();
        assert_ne!(ab_c, a_bc);
    }

    #[test]
    fn a_field_true_on_one_machine_only_leaves_no_shared_key() {
        let mut here = KeyBuilder::new("t");
        here.split(b"/home/me/proj/x", Some(b"<root>/x"));
        let mut there = KeyBuilder::new("t");
        there.split(b"/srv/ci/proj/x", Some(b"<root>/x"));
        assert_ne!(here.finish(), there.finish());
        assert_eq!(here.finish_shared(), there.finish_shared());
        here.split(b"/opt/tool", None).str("more");
        assert_eq!(here.finish_shared(), None);
    }
}
