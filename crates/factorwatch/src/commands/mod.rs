mod r#gen;
mod normalize;

use crate::cli::{Cli, Command};
use std::process::ExitCode;

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Normalize(args) => normalize::run(args),
        Command::Gen(args) => r#gen::run(args),
    }
}
