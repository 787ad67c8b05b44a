//! Arithmetic on release numbers (`[1, 2, 3]`) shared by the three
//! ecosystems: where a range operator's upper bound lies, and how to write a
//! bound again with the precision the user chose.

use std::cmp::Ordering;

/// Compare as if the shorter were padded with zeros (`1.2` == `1.2.0`).
pub fn cmp(a: &[u64], b: &[u64]) -> Ordering {
    let len = a.len().max(b.len());
    for i in 0..len {
        let (x, y) = (
            a.get(i).copied().unwrap_or(0),
            b.get(i).copied().unwrap_or(0),
        );
        match x.cmp(&y) {
            Ordering::Equal => continue,
            other => return other,
        }
    }
    Ordering::Equal
}

pub fn below(version: &[u64], upper: &[u64]) -> bool {
    cmp(version, upper) == Ordering::Less
}

/// `^V` (Cargo, npm, Poetry): below the next change of the first non-zero
/// part of V as written (`^1.2` < 2, `^0.2` < 0.3, `^0.0.3` < 0.0.4, `^0` < 1).
pub fn caret_upper(v: &[u64]) -> Vec<u64> {
    let i = v
        .iter()
        .position(|&n| n != 0)
        .unwrap_or(v.len().saturating_sub(1));
    bump_at(v, i)
}

/// `~V` (Cargo, npm, Poetry): `~1.2.3` < 1.3, `~1.2` < 1.3, `~1` < 2.
pub fn tilde_upper(v: &[u64]) -> Vec<u64> {
    bump_at(v, if v.len() > 1 { 1 } else { 0 })
}

/// `1.2.*`, `1.x`, `==1.2.*`: below the next value of the last part written.
pub fn wildcard_upper(v: &[u64]) -> Vec<u64> {
    bump_at(v, v.len().saturating_sub(1))
}

/// PEP 440 `~=1.4.2` < 1.5, `~=1.4` < 2.
pub fn compatible_upper(v: &[u64]) -> Vec<u64> {
    bump_at(v, v.len().saturating_sub(2))
}

fn bump_at(v: &[u64], i: usize) -> Vec<u64> {
    if v.is_empty() {
        return vec![u64::MAX];
    }
    let mut out = v[..=i].to_vec();
    out[i] = out[i].saturating_add(1);
    out
}

/// `to` cut (or padded with zeros) to `n` parts: the precision the user wrote.
pub fn truncate(to: &[u64], n: usize) -> Vec<u64> {
    (0..n.max(1))
        .map(|i| to.get(i).copied().unwrap_or(0))
        .collect()
}

/// A new exclusive upper bound `< X` that admits `to`, in the style of the
/// old one: its significant part (up to the last non-zero) moves past `to`,
/// its length stays (`<5` -> `<6`, `<5.0` -> `<6.0`, `<4.3` -> `<4.6`).
pub fn raise_upper(old: &[u64], to: &[u64]) -> Vec<u64> {
    let significant = old.iter().rposition(|&n| n != 0).map_or(1, |i| i + 1);
    let mut out = bump_at(&truncate(to, significant), significant - 1);
    out.resize(old.len().max(significant), 0);
    out
}

pub fn text(v: &[u64]) -> String {
    v.iter().map(u64::to_string).collect::<Vec<_>>().join(".")
}

/// Release numbers of a partial version as written (`1.2`, `1.x`, `1.2.*`):
/// the numbers before the first wildcard, and whether a wildcard followed.
pub fn partial(text: &str) -> Option<(Vec<u64>, bool)> {
    let mut numbers = Vec::new();
    for part in text.split('.') {
        if matches!(part, "*" | "x" | "X") {
            return Some((numbers, true));
        }
        numbers.push(part.parse().ok()?);
    }
    Some((numbers, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upper_bounds_follow_each_operator() {
        assert_eq!(caret_upper(&[1, 2]), [2]);
        assert_eq!(caret_upper(&[0, 2, 3]), [0, 3]);
        assert_eq!(caret_upper(&[0, 0, 3]), [0, 0, 4]);
        assert_eq!(caret_upper(&[0]), [1]);
        assert_eq!(tilde_upper(&[1, 2, 3]), [1, 3]);
        assert_eq!(tilde_upper(&[1]), [2]);
        assert_eq!(compatible_upper(&[1, 4, 2]), [1, 5]);
        assert_eq!(compatible_upper(&[1, 4]), [2]);
        assert_eq!(raise_upper(&[5], &[5, 1, 0]), [6]);
        assert_eq!(raise_upper(&[5, 0], &[5, 1, 0]), [6, 0]);
        assert_eq!(raise_upper(&[4, 3], &[4, 5, 1]), [4, 6]);
        assert!(below(&[1, 9, 9], &[2]));
        assert!(!below(&[2, 0, 0], &[2]));
    }
}
