//! Cache keys. Every input that can change a check's verdict goes in, in a
//! fixed order, each field length-prefixed so no two inputs hash alike:
//! schema version, check definition as run, tool version, config inputs'
//! contents, declared environment variables (unset differs from empty), then
//! the files (per file, or all of them).

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

/// A hasher that writes each field with its length, so fields never run together.
#[derive(Clone)]
pub struct KeyBuilder(blake3::Hasher);

impl KeyBuilder {
    pub fn new(tag: &str) -> KeyBuilder {
        let mut b = KeyBuilder(blake3::Hasher::new());
        b.u64(u64::from(SCHEMA));
        b.str(tag);
        b
    }

    pub fn bytes(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.update(&(bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
        self
    }

    pub fn str(&mut self, s: &str) -> &mut Self {
        self.bytes(s.as_bytes())
    }

    pub fn u64(&mut self, n: u64) -> &mut Self {
        self.0.update(&n.to_le_bytes());
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
        CacheKey(*self.0.finalize().as_bytes())
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
}
