//! Runs every command of the README's and `docs/`'s runnable blocks (```` ```sh runnable ````,
//! see docs/writing-docs.md) with the built binary, in one temp folder prepared with what the
//! docs assume, and fails naming the `file:line` of each command that exits other than the doc
//! says or whose output contradicts the output the doc shows.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod docs;

use docs::{Fixture, run_file};
use std::path::{Path, PathBuf};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("repository root")
}

fn doc_files() -> Vec<PathBuf> {
    let root = repo_root();
    let mut files = vec![root.join("README.md")];
    let mut pages: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .expect("docs/ is readable")
        .map(|entry| entry.expect("docs/ entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    pages.sort();
    files.extend(pages);
    files
}

#[test]
fn every_runnable_command_in_the_readme_and_docs_does_what_the_doc_says() {
    let fixture = Fixture::prepare(&repo_root());
    let mut failures = Vec::new();
    let mut ran = 0;
    for file in doc_files() {
        let report = run_file(&fixture, &file, &repo_root());
        ran += report.commands;
        failures.extend(report.failures);
    }
    assert!(ran >= 20, "only {ran} runnable commands found: the markers are gone?");
    assert!(
        failures.is_empty(),
        "{} of {ran} documented commands failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// A page written for the test: the runner must catch what a stale doc would show.
fn run_page(fixture: &Fixture, text: &str) -> docs::Report {
    let page = fixture.dir().join("page.md");
    std::fs::write(&page, text).unwrap();
    run_file(fixture, &page, fixture.dir())
}

#[test]
fn a_gone_flag_a_missing_command_and_a_wrong_exit_are_reported_by_file_and_line() {
    let fixture = Fixture::empty();
    let report = run_page(
        &fixture,
        "# page\n\n```sh runnable\nfactorwatch config show --no-such-flag\nfactorwatch no-such-command\n\
         factorwatch config show   # exit 3\nfactorwatch config check no-such.toml   # exit 2\n```\n",
    );
    assert_eq!(report.commands, 4);
    assert_eq!(report.failures.len(), 3, "{:#?}", report.failures);
    assert!(report.failures[0].starts_with("page.md:4: "), "{}", report.failures[0]);
    assert!(report.failures[1].starts_with("page.md:5: "), "{}", report.failures[1]);
    assert!(report.failures[2].starts_with("page.md:6: ") && report.failures[2].contains("exit 3"));
}

#[test]
fn output_the_doc_shows_must_be_in_what_the_command_prints() {
    let fixture = Fixture::empty();
    let page = "```sh runnable\nfactorwatch config show\n```\n\n```text output\n[tenants]\nno such line…\n```\n";
    let report = run_page(&fixture, page);
    assert_eq!(report.failures.len(), 1, "{:#?}", report.failures);
    assert!(report.failures[0].contains("no such line"), "{}", report.failures[0]);
    let good = "```sh runnable\nfactorwatch config show\n```\n\n```text output\n[identit…\n...\n```\n";
    assert!(run_page(&fixture, good).failures.is_empty());
}

#[test]
fn cargo_run_is_the_built_binary_and_unmarked_blocks_do_not_run() {
    let fixture = Fixture::empty();
    let page = "```sh runnable\ncargo run --release -- config show > shown.toml\n\
                cargo run -- config check shown.toml\n```\n\n```sh\nfactorwatch no-such-command\n```\n";
    let report = run_page(&fixture, page);
    assert_eq!((report.commands, report.failures.len()), (2, 0), "{:#?}", report.failures);
}
