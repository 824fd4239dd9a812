//! Mistakes are loud: `hunt`, `normalize` and `graph import` given a path that does not exist
//! or holds nothing readable exit 4 and name the path and the reason, whatever `--fail-on`
//! says; "no findings" is printed only when events were read.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{factorwatch, factorwatch_with_stdin, text};
use std::path::{Path, PathBuf};

const NOTHING_READ: i32 = 4;

/// One benign Okta sign-in, a record a provider writes.
const SIGNIN: &str = r#"{"uuid":"u-1","published":"2026-05-01T09:00:00.000Z","eventType":"user.session.start","actor":{"id":"00u1","type":"User","alternateId":"a@acme.com"},"outcome":{"result":"SUCCESS"},"client":{"ipAddress":"198.51.100.1"}}"#;

/// A folder with a missing neighbour, an empty folder, and a folder of JSON no provider writes.
struct Mistakes {
    _dir: tempfile::TempDir,
    missing: PathBuf,
    empty: PathBuf,
    junk: PathBuf,
}

fn mistakes() -> Mistakes {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    std::fs::write(empty.join("README.txt"), "not a log").unwrap();
    let junk = dir.path().join("junk");
    std::fs::create_dir(&junk).unwrap();
    std::fs::write(junk.join("inventory.json"), "{\"hosts\": [1, 2, 3]}\n").unwrap();
    std::fs::write(junk.join("notes.log"), "plain text\n").unwrap();
    Mistakes { missing: dir.path().join("okta-typo"), empty, junk, _dir: dir }
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn assert_nothing_read(out: &std::process::Output, path: &Path, reason: &str) {
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(NOTHING_READ), "{stderr}");
    assert!(stderr.contains(&format!("`{}`", path.display())), "the path is named: {stderr}");
    assert!(stderr.contains(reason), "`{reason}` in: {stderr}");
    assert!(!text(&out.stdout).contains("no findings"), "{}", text(&out.stdout));
}

#[test]
fn hunt_fails_on_a_missing_path_an_empty_folder_and_a_folder_of_junk_whatever_fail_on_says() {
    let m = mistakes();
    for extra in [&[][..], &["--fail-on", "critical"][..]] {
        let run = |path: &Path| {
            let mut args = vec!["hunt"];
            args.extend_from_slice(extra);
            args.push(s(path));
            factorwatch(&args)
        };
        assert_nothing_read(&run(&m.missing), &m.missing, "does not exist");
        assert_nothing_read(&run(&m.empty), &m.empty, "no log files");
        assert_nothing_read(&run(&m.junk), &m.junk, "no provider's log record");
    }
}

#[test]
fn hunt_names_the_missing_path_among_good_ones() {
    let m = mistakes();
    let good = m.junk.parent().unwrap().join("good.ndjson");
    std::fs::write(&good, format!("{SIGNIN}\n")).unwrap();
    let out = factorwatch(&["hunt", s(&good), s(&m.missing)]);
    assert_nothing_read(&out, &m.missing, "does not exist");
}

#[test]
fn hunt_and_normalize_name_a_folder_of_junk_beside_a_good_file() {
    let m = mistakes();
    let good = m.junk.parent().unwrap().join("good.ndjson");
    std::fs::write(&good, format!("{SIGNIN}\n")).unwrap();
    for command in ["hunt", "normalize"] {
        let out = factorwatch(&[command, s(&good), s(&m.junk)]);
        assert_nothing_read(&out, &m.junk, "no provider's log record");
        let stderr = text(&out.stderr);
        assert!(!stderr.contains(&format!("`{}`", good.display())), "the good file is not blamed: {stderr}");
    }
}

#[test]
fn normalize_fails_on_the_same_mistakes() {
    let m = mistakes();
    assert_nothing_read(&factorwatch(&["normalize", s(&m.missing)]), &m.missing, "does not exist");
    assert_nothing_read(&factorwatch(&["normalize", s(&m.empty)]), &m.empty, "no log files");
    let junk = factorwatch(&["normalize", s(&m.junk)]);
    assert_nothing_read(&junk, &m.junk, "unknown_shape");
    let empty_stdin = factorwatch_with_stdin(&["normalize", "-"], Some(b""));
    assert_eq!(empty_stdin.status.code(), Some(NOTHING_READ), "{}", text(&empty_stdin.stderr));
}

#[test]
fn graph_import_fails_on_a_missing_file_a_folder_and_a_document_of_no_known_format() {
    let m = mistakes();
    let data = tempfile::tempdir().unwrap();
    let import = |path: &Path| factorwatch(&["graph", "--data-dir", s(data.path()), "import", s(path)]);
    assert_nothing_read(&import(&m.missing), &m.missing, "does not exist");
    assert_nothing_read(&import(&m.empty), &m.empty, "is a folder");
    let junk = m.junk.join("inventory.json");
    assert_nothing_read(&import(&junk), &junk, "unknown inventory shape");
    let show = factorwatch(&["graph", "--data-dir", s(data.path()), "posture"]);
    assert!(text(&show.stderr).contains("is empty"), "nothing was stored: {}", text(&show.stderr));
}

#[test]
fn no_findings_is_said_only_when_events_were_hunted() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("okta.ndjson");
    std::fs::write(&log, format!("{SIGNIN}\n")).unwrap();

    let out = factorwatch(&["hunt", s(&log)]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("no findings"), "{}", text(&out.stdout));
    assert!(text(&out.stderr).contains("hunted 1 events"), "{}", text(&out.stderr));

    let out = factorwatch(&["hunt", "--since", "2100-01-01T00:00:00Z", s(&log)]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(!stdout.contains("no findings"), "{stdout}");
    assert!(stdout.contains(&format!("no events hunted from {}", log.display())), "{stdout}");
    assert!(stdout.contains("1 events outside --since/--until"), "{stdout}");
}
