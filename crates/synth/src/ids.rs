//! Identifiers derived from numbers by hashing, so that every id in the output is a pure
//! function of the seed and the event's sequence number: no allocation, no RNG state.

use std::io::{self, Write};

/// SplitMix64's finalizer: a fast, well-mixed 64-bit hash.
pub fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// A hash of several parts.
pub fn hash(parts: &[u64]) -> u64 {
    parts.iter().fold(0x5EED_u64, |h, p| mix(h ^ mix(*p)))
}

const B62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const UPPER: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const HEX: &[u8; 16] = b"0123456789abcdef";

fn chars(w: &mut impl Write, mut h: u64, n: usize, alphabet: &[u8]) -> io::Result<()> {
    let mut buf = [0u8; 64];
    let len = alphabet.len() as u64;
    for (i, slot) in buf.iter_mut().take(n.min(64)).enumerate() {
        if i % 8 == 7 {
            h = mix(h);
        }
        *slot = alphabet.get((h % len) as usize).copied().unwrap_or(b'0');
        h /= len;
    }
    w.write_all(buf.get(..n.min(64)).unwrap_or_default())
}

/// `n` base-62 characters.
pub fn base62(w: &mut impl Write, h: u64, n: usize) -> io::Result<()> {
    chars(w, h, n, B62)
}

/// `n` upper-case alphanumerics (Duo keys, AWS key ids).
pub fn upper(w: &mut impl Write, h: u64, n: usize) -> io::Result<()> {
    chars(w, h, n, UPPER)
}

/// `n` lower-case hex digits.
pub fn hex(w: &mut impl Write, h: u64, n: usize) -> io::Result<()> {
    chars(w, h, n, HEX)
}

/// A version-4-looking UUID.
pub fn uuid(w: &mut impl Write, h: u64) -> io::Result<()> {
    let (a, b) = (mix(h), mix(h ^ 0xA5A5));
    write!(
        w,
        "{:08x}-{:04x}-4{:03x}-{:x}{:03x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xFFFF,
        a & 0xFFF,
        8 + (b >> 62),
        (b >> 48) & 0xFFF,
        b & 0xFFFF_FFFF_FFFF
    )
}

/// Any of the above into a `String` (tenant building and truth, not per event).
pub fn string(f: impl FnOnce(&mut Vec<u8>) -> io::Result<()>) -> String {
    let mut buf = Vec::with_capacity(40);
    let _ = f(&mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_and_shaped() {
        let u = string(|w| uuid(w, 7));
        assert_eq!(u.len(), 36);
        assert_eq!(u, string(|w| uuid(w, 7)));
        assert_ne!(u, string(|w| uuid(w, 8)));
        assert_eq!(string(|w| base62(w, 1, 17)).len(), 17);
    }
}
