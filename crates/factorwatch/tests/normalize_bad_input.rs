//! `factorwatch normalize` on bad input: every problem gives one diagnostic naming the
//! source and line, the run goes on, the exit status is 0 (1 with --strict) when something
//! was read and 4 when nothing was, and nothing panics.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::bodies::gzip;
use common::factorwatch_with_stdin as run;

use std::path::Path;

/// An AWS console sign-in, compact, as one NDJSON line.
const GOOD: &str = r#"{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","userName":"alice"},"eventTime":"2024-05-01T10:00:00Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7","userAgent":"Mozilla/5.0","requestParameters":null,"responseElements":{"ConsoleLogin":"Success"},"additionalEventData":{"MFAUsed":"Yes"},"eventID":"3e2d-0001","eventType":"AwsConsoleSignIn","recipientAccountId":"111122223333"}"#;

fn good(id: u32) -> String {
    GOOD.replace("3e2d-0001", &format!("3e2d-{id:04}"))
}

fn normalize(path: &Path) -> (usize, String, i32) {
    let out = run(&["normalize", path.to_str().expect("utf-8 path")], None);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!stderr.contains("panicked"), "{stderr}");
    let events = String::from_utf8_lossy(&out.stdout).lines().count();
    (events, stderr, out.status.code().unwrap_or(-1))
}

fn warnings(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.trim_start().starts_with("warning:")).collect()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write fixture");
    path
}

#[test]
fn truncated_json_is_one_diagnostic_and_the_next_line_is_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = format!("{}\n{}\n{}\n", good(1), &GOOD[..GOOD.len() / 2], good(3));
    let path = write(dir.path(), "trunc.ndjson", text.as_bytes());
    let (events, stderr, code) = normalize(&path);
    assert_eq!(events, 2, "{stderr}");
    let w = warnings(&stderr);
    assert_eq!(w.len(), 1, "{stderr}");
    assert!(w[0].contains("trunc.ndjson:2: not JSON: truncated JSON"), "{}", w[0]);
    assert_eq!(code, 0);
}

#[test]
fn wrong_types_are_reported_not_panicked_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bad_time = good(2).replace("\"2024-05-01T10:00:00Z\"", "[1,2]");
    let not_object = "[1, \"two\"]";
    let text = format!("{bad_time}\n{not_object}\n{}\n", good(4));
    let path = write(dir.path(), "types.ndjson", text.as_bytes());
    let (events, stderr, _) = normalize(&path);
    assert_eq!(events, 1, "{stderr}");
    let w = warnings(&stderr);
    assert_eq!(w.len(), 3, "{stderr}");
    assert!(w[0].contains("types.ndjson:1: malformed aws.cloudtrail record: `eventTime`"), "{}", w[0]);
    assert!(
        w[1].contains("types.ndjson:2#0: expected a JSON object or an array of objects, found a number"),
        "{}",
        w[1]
    );
    assert!(w[2].contains("types.ndjson:2#1:"), "{}", w[2]);
}

#[test]
fn a_line_over_ten_megabytes_is_skipped_with_its_size() {
    let dir = tempfile::tempdir().expect("tempdir");
    let huge = format!("{{\"padding\":\"{}\"}}", "x".repeat(11 * 1024 * 1024));
    let text = format!("{}\n{huge}\n{}\n", good(1), good(3));
    let path = write(dir.path(), "huge.ndjson", text.as_bytes());
    let (events, stderr, _) = normalize(&path);
    assert_eq!(events, 2, "{stderr}");
    let w = warnings(&stderr);
    assert_eq!(w.len(), 1, "{stderr}");
    assert!(w[0].contains("huge.ndjson:2: record of 11534350 bytes is over the 10485760-byte limit"), "{}", w[0]);
}

#[test]
fn invalid_utf8_names_the_byte() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut bytes = format!("{}\n", good(1)).into_bytes();
    bytes.extend_from_slice(b"{\"eventSource\":\"iam\xff\xfe\"}\n");
    bytes.extend_from_slice(format!("{}\n", good(3)).as_bytes());
    let path = write(dir.path(), "latin1.ndjson", &bytes);
    let (events, stderr, _) = normalize(&path);
    assert_eq!(events, 2, "{stderr}");
    let w = warnings(&stderr);
    assert_eq!(w.len(), 1, "{stderr}");
    assert!(w[0].contains("latin1.ndjson:2: invalid UTF-8 at byte 19"), "{}", w[0]);
}

#[test]
fn binary_data_is_one_diagnostic_for_the_whole_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bytes: Vec<u8> = (0..4096u32).map(|i| (i * 7 % 256) as u8).collect();
    let path = write(dir.path(), "image.json", &bytes);
    let (events, stderr, code) = normalize(&path);
    assert_eq!(events, 0);
    let w = warnings(&stderr);
    assert_eq!(w.len(), 1, "{stderr}");
    assert!(w[0].contains("image.json:1: binary data, not JSON text (NUL byte at offset 0)"), "{}", w[0]);
    assert_eq!(code, 4, "nothing in it was readable");
}

#[test]
fn an_empty_file_is_one_diagnostic() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(dir.path(), "empty.ndjson", b"");
    let (_, stderr, _) = normalize(&path);
    let w = warnings(&stderr);
    assert_eq!(w.len(), 1, "{stderr}");
    assert!(w[0].contains("empty.ndjson:1: empty input: no records"), "{}", w[0]);
}

#[test]
fn a_corrupt_gzip_is_one_diagnostic_and_a_misnamed_one_is_read_as_text() {
    let dir = tempfile::tempdir().expect("tempdir");
    let corrupt = write(dir.path(), "corrupt.ndjson.gz", b"\x1f\x8bthis is not deflate data at all");
    let (events, stderr, _) = normalize(&corrupt);
    assert_eq!(events, 0);
    let w = warnings(&stderr);
    assert_eq!(w.len(), 1, "{stderr}");
    assert!(w[0].contains("corrupt.ndjson.gz:1: read failed: gzip data is corrupt"), "{}", w[0]);

    let misnamed = write(dir.path(), "plain.ndjson.gz", format!("{}\n", good(1)).as_bytes());
    let (events, stderr, _) = normalize(&misnamed);
    assert_eq!(events, 1, "{stderr}");
    assert!(warnings(&stderr).is_empty(), "{stderr}");
}

#[test]
fn a_truncated_gzip_keeps_the_records_before_the_cut() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text: String = (1..=200).map(|i| good(i) + "\n").collect();
    let bytes = gzip(text.as_bytes());
    let path = write(dir.path(), "cut.ndjson.gz", &bytes[..bytes.len() * 3 / 4]);
    let (events, stderr, _) = normalize(&path);
    assert!(events > 0 && events < 200, "{events} events\n{stderr}");
    let w = warnings(&stderr);
    assert_eq!(w.len(), 1, "{stderr}");
    assert!(w[0].contains("cut.ndjson.gz:") && w[0].contains("gzip data is corrupt"), "{}", w[0]);
}

#[test]
fn strict_mode_fails_on_any_problem_and_passes_without() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = write(dir.path(), "bad.ndjson", format!("{}\nnot json\n", good(1)).as_bytes());
    let out = run(&["normalize", "--strict", bad.to_str().expect("path")], None);
    assert_eq!(out.status.code(), Some(1));
    let clean = write(dir.path(), "clean.ndjson", format!("{}\n", good(1)).as_bytes());
    let out = run(&["normalize", "--strict", clean.to_str().expect("path")], None);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn stdin_arrays_documents_and_gzip_directories_are_all_read() {
    let out = run(&["normalize", "-"], Some(format!("[{}, {}]", good(1), good(2)).as_bytes()));
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 2, "{}", String::from_utf8_lossy(&out.stderr));

    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("a/b")).expect("mkdir");
    let pretty = format!("{{\n  \"Records\": [\n    {},\n    {}\n  ]\n}}\n", good(3), good(4));
    write(&dir.path().join("a"), "pretty.json", pretty.as_bytes());
    write(&dir.path().join("a/b"), "more.ndjson.gz", &gzip(format!("{}\n", good(5)).as_bytes()));
    write(dir.path(), "notes.txt", b"not a log file, not read");
    let (events, stderr, _) = normalize(dir.path());
    assert_eq!(events, 3, "{stderr}");
    assert!(warnings(&stderr).is_empty(), "{stderr}");
    assert!(stderr.contains("read 3 records from 2 sources"), "{stderr}");
}

#[test]
fn a_missing_path_fails_the_run_naming_it() {
    let (events, stderr, code) = normalize(Path::new("/nonexistent/factorwatch.ndjson"));
    assert_eq!(events, 0);
    assert!(stderr.contains("`/nonexistent/factorwatch.ndjson` does not exist"), "{stderr}");
    assert_eq!(code, 4);
}
