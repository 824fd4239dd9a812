mod client;
mod config;
mod decide;
mod demo;
mod r#gen;
mod graph;
mod hunt;
mod learned;
mod normalize;
mod policy;
mod revalidate;
mod rules;
mod serve;
mod token;

use crate::cli::{Cli, Command};
use std::process::ExitCode;

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Normalize(args) => normalize::run(args),
        Command::Hunt(args) => hunt::run(args),
        Command::Demo(args) => demo::run(args),
        Command::Config(command) => config::run(command),
        Command::Gen(args) => r#gen::run(args),
        Command::Graph(args) => graph::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Token(command) => token::run(command),
        Command::Decide(args) => decide::run(args),
        Command::Policy(command) => policy::run(command),
        Command::Revalidate(args) => revalidate::run(args),
        Command::Rules(command) => rules::run(command),
    }
}
