//! Splits a byte stream into raw records (docs/events.md §0 "Framing"): newline-delimited JSON
//! line by line with bounded memory; a top-level JSON array element by element, with the
//! line each element starts on; a pretty-printed document as one record.

use crate::error::RecordError;
use memchr::memchr;
use std::io::{self, BufRead};

/// One record's bytes, the line it starts on, and its position in a top-level array.
#[derive(Debug, Default)]
pub struct RawRecord {
    pub bytes: Vec<u8>,
    pub line: u64,
    pub index: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// One record per line (NDJSON, or a single compact object).
    Lines,
    /// A top-level JSON array: one record per element.
    Array,
    /// One pretty-printed JSON value spanning many lines.
    Document,
}

/// Decides the framing from the first bytes of a stream (after any BOM and whitespace).
pub fn sniff(head: &[u8]) -> Mode {
    let body = skip_bom_and_space(head);
    match body.first() {
        Some(b'[') => Mode::Array,
        Some(b'{') => {
            let first_line = body.split(|&b| b == b'\n').next().unwrap_or_default();
            let trimmed = trim_ascii_end(first_line);
            // A pretty-printed object opens with `{` alone or a line that does not close.
            if trimmed == b"{" || trimmed.ends_with(b",") || trimmed.ends_with(b"[") || trimmed.ends_with(b"{") {
                Mode::Document
            } else {
                Mode::Lines
            }
        }
        _ => Mode::Lines,
    }
}

pub fn skip_bom_and_space(bytes: &[u8]) -> &[u8] {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(bytes.len());
    bytes.get(start..).unwrap_or_default()
}

fn trim_ascii_end(bytes: &[u8]) -> &[u8] {
    let end = bytes.iter().rposition(|b| !b.is_ascii_whitespace()).map_or(0, |p| p + 1);
    bytes.get(..end).unwrap_or_default()
}

/// The outcome of reading one line with a length limit.
pub enum Line {
    /// A line was read into the buffer (without its newline).
    Read,
    /// The line was longer than the limit: its bytes were skipped, not buffered.
    TooLong(u64),
    End,
}

/// Reads one line into `buf` (cleared first), never holding more than `limit` bytes: a
/// longer line is consumed and reported, so a 1 GB line costs no memory.
pub fn read_line_bounded(reader: &mut dyn BufRead, buf: &mut Vec<u8>, limit: u64) -> io::Result<Line> {
    buf.clear();
    let mut total: u64 = 0;
    let mut any = false;
    loop {
        let chunk = match reader.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            break;
        }
        any = true;
        let (take, done) = match memchr(b'\n', chunk) {
            Some(i) => (i, true),
            None => (chunk.len(), false),
        };
        total += take as u64;
        if total <= limit {
            buf.extend_from_slice(chunk.get(..take).unwrap_or_default());
        }
        reader.consume(if done { take + 1 } else { take });
        if done {
            break;
        }
    }
    if !any {
        return Ok(Line::End);
    }
    if total > limit {
        buf.clear();
        return Ok(Line::TooLong(total));
    }
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(Line::Read)
}

/// An array element's bytes and the line it starts on.
pub type Element = (std::ops::Range<usize>, u64);

/// Finds the elements of a top-level JSON array without parsing them: byte ranges and the
/// line each starts on. Strings and nesting are tracked so commas inside values are skipped.
/// A malformed array gives the line of the problem and why.
pub fn split_array(doc: &[u8]) -> Result<Vec<Element>, (u64, RecordError)> {
    let mut out = Vec::new();
    let mut line: u64 = 1;
    let mut depth: u32 = 0;
    let mut in_string = false;
    let mut escaped = false;
    let mut start: Option<(usize, u64)> = None;
    let mut closed = false;
    for (i, &b) in doc.iter().enumerate() {
        if b == b'\n' {
            line += 1;
        }
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => {
                in_string = true;
                if depth == 1 && start.is_none() {
                    start = Some((i, line));
                }
            }
            b'[' | b'{' => {
                if depth == 1 && start.is_none() {
                    start = Some((i, line));
                }
                depth += 1;
            }
            b']' | b'}' => {
                if depth == 0 {
                    return Err((line, not_json("unbalanced closing bracket")));
                }
                depth -= 1;
                if depth == 0 {
                    if let Some((s, l)) = start.take() {
                        out.push((s..i, l));
                    }
                    closed = true;
                    break;
                }
            }
            b',' if depth == 1 => match start.take() {
                Some((s, l)) => out.push((s..i, l)),
                None => return Err((line, not_json("empty array element"))),
            },
            _ if depth == 1 && start.is_none() && !b.is_ascii_whitespace() => start = Some((i, line)),
            _ => {}
        }
    }
    if !closed {
        let at = start.map_or(line, |(_, l)| l);
        return Err((at, not_json("truncated JSON: the array is not closed")));
    }
    Ok(out)
}

fn not_json(reason: &str) -> RecordError {
    RecordError::NotJson { reason: reason.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniff_tells_arrays_documents_and_lines_apart() {
        assert_eq!(sniff(b"  [{\"a\":1}]"), Mode::Array);
        assert_eq!(sniff(b"{\n  \"Records\": [\n"), Mode::Document);
        assert_eq!(sniff(b"{\"a\":1}\n{\"a\":2}\n"), Mode::Lines);
        assert_eq!(sniff(b"\xef\xbb\xbf{\"a\":1}"), Mode::Lines);
    }

    #[test]
    fn array_elements_carry_their_start_lines() {
        let doc = b"[\n  {\"a\": \"x,]}\"},\n  {\"b\": [1, 2]}\n]";
        let parts = split_array(doc).unwrap_or_default();
        let texts: Vec<(&[u8], u64)> = parts.iter().map(|(r, l)| (&doc[r.clone()], *l)).collect();
        assert_eq!(texts, vec![(&b"{\"a\": \"x,]}\"}"[..], 2), (&b"{\"b\": [1, 2]}\n"[..], 3)]);
    }

    #[test]
    fn an_unclosed_array_is_reported_at_its_last_element() {
        let err = split_array(b"[\n{\"a\":1},\n{\"a\":").err();
        assert!(matches!(err, Some((3, RecordError::NotJson { .. }))), "{err:?}");
    }

    #[test]
    fn long_lines_are_skipped_without_buffering() {
        let data = format!("{}\n{{}}\n", "x".repeat(100));
        let mut reader = io::BufReader::with_capacity(16, data.as_bytes());
        let mut buf = Vec::new();
        assert!(matches!(read_line_bounded(&mut reader, &mut buf, 50), Ok(Line::TooLong(100))));
        assert!(buf.capacity() <= 64);
        assert!(matches!(read_line_bounded(&mut reader, &mut buf, 50), Ok(Line::Read)));
        assert_eq!(buf, b"{}");
        assert!(matches!(read_line_bounded(&mut reader, &mut buf, 50), Ok(Line::End)));
    }
}
