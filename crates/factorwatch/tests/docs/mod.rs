//! The runnable blocks of a Markdown page, and running them (the rules are in
//! docs/writing-docs.md).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod fixture;
mod markdown;

pub use fixture::Fixture;
use markdown::{Block, blocks};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A documented command that takes longer than this is a doc that cannot run in a test.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(90);

pub struct Report {
    pub commands: usize,
    pub failures: Vec<String>,
}

/// One command line of a runnable block, continuations joined.
struct Line {
    number: usize,
    text: String,
    expected_exit: i32,
}

/// Runs the runnable blocks of `file` in order in the fixture's folder; `base` shortens the
/// file name in failures.
pub fn run_file(fixture: &Fixture, file: &Path, base: &Path) -> Report {
    let name = file.strip_prefix(base).unwrap_or(file).display().to_string();
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
    let all = blocks(&text);
    fixture.fresh_data_dir();
    let mut report = Report { commands: 0, failures: Vec::new() };
    for (index, block) in all.iter().enumerate() {
        if let Some(target) = block.attribute("file") {
            std::fs::write(fixture.dir().join(target), &block.body).unwrap();
        }
        if !block.has_word("runnable") {
            continue;
        }
        let shown = all.get(index + 1).filter(|next| next.has_word("output"));
        let lines = command_lines(block);
        for (position, line) in lines.iter().enumerate() {
            report.commands += 1;
            let (code, output) = run(fixture, &line.text);
            let at = format!("{name}:{}", line.number);
            if code != line.expected_exit {
                report.failures.push(format!(
                    "{at}: `{}` exited {code}, the doc says exit {}:\n{}",
                    line.text,
                    line.expected_exit,
                    tail(&output)
                ));
                continue;
            }
            if let (Some(shown), true) = (shown, position + 1 == lines.len()) {
                for missing in contradictions(&shown.body, &output) {
                    report.failures.push(format!(
                        "{at}: `{}` does not print the line the doc shows at {name}:{}: {missing}\n{}",
                        line.text,
                        shown.first_line,
                        head(&output)
                    ));
                }
            }
        }
    }
    report
}

fn command_lines(block: &Block) -> Vec<Line> {
    let block_exit = block.attribute("exit").map(|n| n.parse().expect("exit=N takes a number")).unwrap_or(0);
    let mut lines = Vec::new();
    let mut pending: Option<Line> = None;
    for (offset, raw) in block.body.lines().enumerate() {
        let number = block.first_line + offset;
        let mut line = match pending.take() {
            Some(mut started) => {
                started.text.push(' ');
                started.text.push_str(raw.trim());
                started
            }
            None => Line { number, text: raw.trim().to_string(), expected_exit: block_exit },
        };
        if let Some(open) = line.text.strip_suffix('\\') {
            line.text = open.trim_end().to_string();
            pending = Some(line);
            continue;
        }
        if line.text.is_empty() || line.text.starts_with('#') || line.text.starts_with("cargo test") {
            continue; // the test suite is what runs these blocks: it is not run again from them
        }
        if let Some(code) = exit_in_comment(&line.text) {
            line.expected_exit = code;
        }
        line.text = binary_for_cargo_run(&line.text);
        lines.push(line);
    }
    lines
}

/// `# exit N` as a command's comment: the exit status the doc promises.
fn exit_in_comment(line: &str) -> Option<i32> {
    let rest = &line[line.find("# exit ")? + "# exit ".len()..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// The README's `cargo run --release -- ARGS` is the built binary with ARGS.
fn binary_for_cargo_run(line: &str) -> String {
    for prefix in ["cargo run --release -- ", "cargo run -- "] {
        if let Some(args) = line.strip_prefix(prefix) {
            return format!("factorwatch {args}");
        }
    }
    line.to_string()
}

/// Runs one line with `bash -o pipefail` in the fixture: its exit status and what it printed
/// (stdout, then stderr).
fn run(fixture: &Fixture, line: &str) -> (i32, String) {
    let mut command = Command::new("bash");
    command.args(["-o", "pipefail", "-c", line]).current_dir(fixture.dir());
    fixture.environment(&mut command);
    let out_path = fixture.scratch("stdout");
    let err_path = fixture.scratch("stderr");
    let mut child = command
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .expect("bash runs");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > COMMAND_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            return (-1, format!("still running after {COMMAND_TIMEOUT:?}: killed"));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut output = String::from_utf8_lossy(&std::fs::read(&out_path).unwrap()).to_string();
    output.push_str(&String::from_utf8_lossy(&std::fs::read(&err_path).unwrap()));
    assert!(!output.contains("panicked"), "`{line}` panicked:\n{output}");
    (status.code().unwrap_or(-1), output)
}

/// The lines of `shown` that no line of `output` matches. `…` stands for text left out (a
/// line that is only `…` or `...` matches anything); other spaces and characters must match.
fn contradictions(shown: &str, output: &str) -> Vec<String> {
    shown
        .lines()
        .map(str::trim_end)
        .filter(|line| !line.is_empty() && !matches!(line.trim(), "…" | "..."))
        .filter(|line| !output.lines().any(|printed| matches_shown(line, printed.trim_end())))
        .map(str::to_string)
        .collect()
}

fn matches_shown(shown: &str, printed: &str) -> bool {
    let mut parts = shown.split('…');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = printed.strip_prefix(first) else { return false };
    let mut elided = false;
    for part in parts {
        elided = true;
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    elided || rest.is_empty()
}

fn head(output: &str) -> String {
    output.lines().take(12).map(|line| format!("    | {line}")).collect::<Vec<_>>().join("\n")
}

fn tail(output: &str) -> String {
    let lines: Vec<&str> = output.lines().collect();
    let start = lines.len().saturating_sub(12);
    lines[start..].iter().map(|line| format!("    | {line}")).collect::<Vec<_>>().join("\n")
}
