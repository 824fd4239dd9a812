//! Percent-encoding, one way for the whole workspace: ids placed in URL paths (console links,
//! provider API calls) and URL-encoded documents read back (AWS IAM policy documents).

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use std::borrow::Cow;

/// Bytes a path segment keeps as they are: RFC 3986's unreserved characters and `@` (allowed
/// in a segment, and common in ids such as `alice@acme.com`). Everything else is encoded, so
/// `/`, `?`, `#` or `%` in an id cannot change which resource a URL names.
const SEGMENT_KEEPS: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~').remove(b'@');

/// `text` as one URL path segment.
pub fn path_segment(text: &str) -> String {
    utf8_percent_encode(text, SEGMENT_KEEPS).to_string()
}

/// `text` with its `%XX` escapes decoded; a `%` not followed by two hex digits stays as it is.
/// Fails when the decoded bytes are not UTF-8.
pub fn decode(text: &str) -> Result<Cow<'_, str>, std::str::Utf8Error> {
    percent_decode_str(text).decode_utf8()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_cannot_escape_their_path_segment() {
        assert_eq!(path_segment("00u1"), "00u1");
        assert_eq!(path_segment("../admin?x=1"), "..%2Fadmin%3Fx%3D1");
        assert_eq!(path_segment("a b#c%d"), "a%20b%23c%25d");
        assert_eq!(path_segment("alice@acme.com"), "alice@acme.com");
        assert_eq!(path_segment("Zoë"), "Zo%C3%AB");
    }

    #[test]
    fn decoding_reverses_encoding_and_keeps_stray_percent_signs() {
        assert_eq!(decode(&path_segment("x/y?é")).ok().as_deref(), Some("x/y?é"));
        assert_eq!(decode("%7B%22a%22%3A1%7D").ok().as_deref(), Some("{\"a\":1}"));
        assert_eq!(decode("100%").ok().as_deref(), Some("100%"));
        assert_eq!(decode("%zz").ok().as_deref(), Some("%zz"));
        assert!(decode("%FF").is_err());
    }
}
