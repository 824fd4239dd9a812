//! The hostile bodies of hostile_input.rs, as files given to `factorwatch normalize` and
//! `factorwatch hunt`: each run exits as documented (4 when nothing in the file was readable),
//! names every problem's file, line and reason (counting all, listing the first), never
//! panics, and stays under a memory bound measured by `/usr/bin/time`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::bodies::{deep, gzip, okta};

use std::path::Path;
use std::process::Command;

/// The most one run may hold at its peak, in KiB.
const PEAK_RSS_BOUND_KIB: u64 = 400 * 1024;

/// Runs `factorwatch ARGS` under `/usr/bin/time`: exit code, stderr, peak RSS in KiB.
fn measured(args: &[&str]) -> (i32, String, u64) {
    let time = Path::new("/usr/bin/time");
    assert!(
        time.exists(),
        "these tests need /usr/bin/time (GNU time) to measure peak memory; install the `time` package"
    );
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("peak");
    let out = Command::new(time)
        .args(["-f", "%M", "-o", report.to_str().unwrap(), env!("CARGO_BIN_EXE_factorwatch")])
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!stderr.contains("panicked"), "{stderr}");
    let peak: u64 = std::fs::read_to_string(&report).unwrap().trim().lines().last().unwrap().parse().unwrap();
    (out.status.code().unwrap_or(-1), stderr, peak)
}

struct Hostile {
    name: &'static str,
    bytes: Vec<u8>,
    /// What stderr must say, with the file's name and line before it.
    says: String,
    /// Whether some record in it is a provider's: if not, the run has nothing to read.
    readable: bool,
}

fn hostile() -> Vec<Hostile> {
    let mut corrupt = gzip(okta("gz", "2026-05-01T09:00:00.000Z").repeat(50).as_bytes());
    let half = corrupt.len() / 2;
    corrupt.truncate(half);
    let lines = (16 << 20) / 3;
    vec![
        Hostile {
            name: "not-json.ndjson",
            bytes: b"hello, world\n".to_vec(),
            says: "not-json.ndjson:1: not JSON".into(),
            readable: false,
        },
        Hostile {
            name: "truncated.ndjson",
            bytes: br#"{"uuid":"t","published":"2026"#.to_vec(),
            says: "truncated.ndjson:1: not JSON: truncated JSON".into(),
            readable: false,
        },
        Hostile {
            name: "utf8.ndjson",
            bytes: b"{\"uuid\":\"\xff\"}\n".to_vec(),
            says: "utf8.ndjson:1: invalid UTF-8".into(),
            readable: false,
        },
        Hostile {
            name: "nul.ndjson",
            bytes: b"{\"a\":\"\0\"}\n".to_vec(),
            says: "nul.ndjson:1: binary data".into(),
            readable: false,
        },
        Hostile {
            name: "deep.ndjson",
            bytes: deep(9_000).into_bytes(),
            says: "deep.ndjson:1#0: nested more than 128".into(),
            readable: false,
        },
        Hostile { name: "corrupt.gz", bytes: corrupt, says: "corrupt.gz".into(), readable: false },
        Hostile {
            name: "year9999.ndjson",
            bytes: format!("{}\n{}\n", okta("ok", "2026-05-01T09:00:00.000Z"), okta("y", "9999-01-01T00:00:00.000Z"))
                .into_bytes(),
            says: "year9999.ndjson:2: dated 9999-01-01T00:00:00Z, after the latest accepted time".into(),
            readable: true,
        },
        Hostile {
            name: "year1970.ndjson",
            bytes: okta("old", "1970-01-01T00:00:00.000Z").into_bytes(),
            says:
                "year1970.ndjson:1: dated 1970-01-01T00:00:00Z, before the earliest accepted time 1990-01-01T00:00:00Z"
                    .into(),
            readable: false,
        },
        Hostile {
            name: "braces.ndjson",
            bytes: "{}\n".repeat(lines).into_bytes(),
            says: format!("problems ({lines}: unknown_shape {lines}):"),
            readable: false,
        },
    ]
}

#[test]
fn normalize_and_hunt_name_every_hostile_files_problems_and_stay_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for h in hostile() {
        let path = dir.path().join(h.name);
        std::fs::write(&path, &h.bytes).unwrap();
        for command in ["normalize", "hunt"] {
            let (code, stderr, peak) = measured(&[command, path.to_str().unwrap()]);
            eprintln!("{command:>9} {:>22}: exit {code}, peak {peak} KiB", h.name);
            // Nothing readable: 4. Else normalize: 0 with problems; hunt: 0 (nothing found)
            // or 3 (findings).
            let expected = if !h.readable { code == 4 } else { code == 0 || (command == "hunt" && code == 3) };
            if !expected {
                failures.push(format!("{command} {}: exit {code}: {stderr}", h.name));
            }
            if !stderr.contains(&h.says) {
                let shown: String = stderr.chars().take(600).collect();
                failures.push(format!("{command} {}: stderr lacks `{}`: {shown}", h.name, h.says));
            }
            if peak >= PEAK_RSS_BOUND_KIB {
                failures.push(format!("{command} {}: peak {peak} KiB over {PEAK_RSS_BOUND_KIB} KiB", h.name));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn millions_of_problems_are_counted_in_full_and_listed_in_part() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.ndjson");
    // One readable record, so the run has something to read and goes on past the problems.
    let good = okta("good", "2026-05-01T09:00:00.000Z");
    std::fs::write(&path, format!("{good}\n{}", "{}\n".repeat(300_000))).unwrap();
    let (code, stderr, _) = measured(&["normalize", path.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("300000 problems"), "{stderr}");
    let listed = stderr.lines().filter(|l| l.trim_start().starts_with("warning:")).count();
    assert_eq!(listed, 200, "{stderr}");
    assert!(stderr.contains("… and 299800 more, not listed"), "{stderr}");
    // --strict fails on the count, though only some are listed.
    let (code, _, _) = measured(&["normalize", "--strict", "--quiet", path.to_str().unwrap()]);
    assert_eq!(code, 1);
}
