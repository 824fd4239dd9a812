//! The factorwatch command line: parses flags and wires the library crates together.

mod cli;
mod commands;
mod hunting;
mod inputs;
mod raw_evidence;
mod summary;
mod text;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(code) => code,
        // A closed pipe (`| head`) is the reader's choice, not an error.
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            // Nothing to read has its own status, so scripts can tell it from a usage error.
            let nothing_read = e.chain().any(|c| c.downcast_ref::<inputs::NothingRead>().is_some());
            ExitCode::from(if nothing_read { inputs::EXIT_NOTHING_READ } else { 2 })
        }
    }
}
