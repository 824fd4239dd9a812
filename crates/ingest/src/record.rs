//! One raw record (a line, an array element, a whole document) to events: validate,
//! parse once, unwrap envelopes, detect each record's shape, and hand it to its provider.

use crate::context::{Ctx, Options, Relevance};
use crate::error::{Diagnostic, RecordError};
use crate::json::View;
use crate::observe::{NoObserver, RecordObserver};
use crate::providers;
use crate::shape;
use crate::tally::Tally;
use model::{Event, SourceRef};

/// Envelope keys that hold records, in the order docs/events.md §0 lists them.
const ENVELOPES: [&str; 7] =
    ["records", "Records", "value", "items", "data.events", "response.authlogs", "response.items"];

/// Normalizes one raw record in place (`bytes` is parsed destructively), appending events
/// to `out` and counting what happened in `tally`.
pub fn normalize_record(bytes: &mut [u8], at: &SourceRef, opts: &Options, out: &mut Vec<Event>, tally: &mut Tally) {
    normalize_record_observed(bytes, at, opts, &NoObserver, out, &mut Vec::new(), tally);
}

/// [`normalize_record`], with `observer` shown each recognized record as parsed (the one
/// parse serves both) and its hits appended to `hits`.
pub fn normalize_record_observed<O: RecordObserver>(
    bytes: &mut [u8],
    at: &SourceRef,
    opts: &Options,
    observer: &O,
    out: &mut Vec<Event>,
    hits: &mut Vec<O::Hit>,
    tally: &mut Tally,
) {
    if let Err(e) = std::str::from_utf8(bytes) {
        tally.record_error(Diagnostic { at: at.clone(), error: RecordError::InvalidUtf8 { at: e.valid_up_to() } });
        return;
    }
    if !crate::json::nesting_within(bytes, crate::json::MAX_DEPTH) {
        let error = RecordError::TooDeep { limit: crate::json::MAX_DEPTH };
        tally.record_error(Diagnostic { at: at.clone(), error });
        return;
    }
    let len = bytes.len();
    // The parser rewrites the buffer, so keep what an error message needs first.
    let ends = (first_non_space(bytes.iter()), first_non_space(bytes.iter().rev()));
    let parsed = match simd_json::to_borrowed_value(bytes) {
        Ok(value) => value,
        Err(e) => {
            let reason = describe_parse_error(&e, len, ends);
            tally.record_error(Diagnostic { at: at.clone(), error: RecordError::NotJson { reason } });
            return;
        }
    };
    let mut index = 0u32;
    each_record(View::new(&parsed), 0, false, &mut |rec, enveloped| {
        let here = if enveloped { at.with_index(index) } else { at.clone() };
        index = index.saturating_add(1);
        normalize_one(rec, here, opts, observer, out, hits, tally);
    });
}

fn first_non_space<'b>(mut bytes: impl Iterator<Item = &'b u8>) -> Option<u8> {
    bytes.find(|b| !b.is_ascii_whitespace()).copied()
}

/// Explains a parse failure in words: truncation is the common case and says so.
fn describe_parse_error(e: &simd_json::Error, len: usize, ends: (Option<u8>, Option<u8>)) -> String {
    use simd_json::ErrorType as T;
    match ends {
        (Some(b'{'), last) if last != Some(b'}') => {
            return format!("truncated JSON: the record ends after {len} bytes without its closing `}}`");
        }
        (Some(b'['), last) if last != Some(b']') => {
            return format!("truncated JSON: the record ends after {len} bytes without its closing `]`");
        }
        _ => {}
    }
    let at = e.index();
    let what = match e.error() {
        T::Eof | T::UnterminatedString => return format!("truncated JSON: input ends at byte {len} inside a value"),
        T::TrailingData => "trailing data after the JSON value",
        T::UnexpectedCharacter | T::Syntax | T::Unexpected(..) => "unexpected character",
        T::InvalidNumber | T::InvalidExponent | T::Overflow => "invalid number",
        T::InvalidEscape | T::InvalidUnicodeEscape | T::InvalidUnicodeCodepoint => "invalid string escape",
        T::ExpectedObjectColon => "expected `:` after an object key",
        T::ExpectedMapComma | T::ExpectedArrayComma => "expected `,` between values",
        T::ExpectedObjectKey | T::KeyMustBeAString => "expected a string object key",
        T::NoStructure => "no JSON value found",
        T::InvalidUtf8 => "invalid UTF-8",
        _ => "invalid JSON",
    };
    if at >= len.saturating_sub(1) && len > 0 {
        format!("truncated JSON: {what} at the end of input (byte {at})")
    } else {
        format!("{what} at byte {at}")
    }
}

fn each_record<'v, 'a>(node: View<'v, 'a>, depth: u8, enveloped: bool, f: &mut dyn FnMut(View<'v, 'a>, bool)) {
    if node.is_array() && depth < 3 {
        for item in node.items() {
            each_record(item, depth + 1, true, f);
        }
        return;
    }
    if node.is_object() && depth < 3 && shape::detect(node).is_none() {
        if let Some(inner) = ENVELOPES.iter().map(|k| node.path(k)).find(|v| v.is_array()) {
            for item in inner.items() {
                each_record(item, depth + 1, true, f);
            }
            return;
        }
        // Duo admin pages hold records in `response`; EventBridge wraps one in `detail`.
        for key in ["response", "detail"] {
            let inner = node.get(key);
            if inner.is_array() || (inner.is_object() && shape::detect(inner).is_some()) {
                each_record(inner, depth + 1, enveloped, f);
                return;
            }
        }
    }
    f(node, enveloped);
}

fn normalize_one<O: RecordObserver>(
    rec: View<'_, '_>,
    at: SourceRef,
    opts: &Options,
    observer: &O,
    out: &mut Vec<Event>,
    hits: &mut Vec<O::Hit>,
    tally: &mut Tally,
) {
    tally.records += 1;
    if !rec.is_object() {
        tally.record_error(Diagnostic { at, error: RecordError::NotARecord { found: rec.type_name() } });
        return;
    }
    let Some((shape, ci)) = shape::detect(rec) else {
        if crate::own::is_own_record(rec) {
            tally.own_records += 1;
        } else {
            tally.record_error(Diagnostic { at, error: RecordError::UnknownShape { keys: rec.key_list(8) } });
        }
        return;
    };
    let provider = shape.provider();
    let ctx = Ctx { at, opts };
    let start = out.len();
    let rec = rec.case_insensitive(ci);
    match providers::normalize(shape, rec, &ctx, out) {
        Ok(Relevance::Relevant) => {
            let refused = out.get(start..).unwrap_or_default().iter().find_map(|e| opts.time_refused(e.time));
            if let Some(error) = refused {
                out.truncate(start);
                tally.record_error(Diagnostic { at: ctx.at, error });
                return;
            }
            tally.relevant += 1;
            let events = out.get(start..).unwrap_or_default();
            for event in events {
                tally.count_event(event);
            }
            observer.observe(shape, rec, &ctx.at, events, hits);
        }
        Ok(Relevance::NotRelevant(action)) => {
            out.truncate(start);
            tally.count_not_relevant(provider, action);
            observer.observe(shape, rec, &ctx.at, &[], hits);
        }
        Err(error) => {
            out.truncate(start);
            tally.record_error(Diagnostic { at: ctx.at, error });
        }
    }
}
