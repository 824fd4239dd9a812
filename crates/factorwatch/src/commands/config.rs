//! `factorwatch config show|check`: the one settings file `hunt`, `serve` and `config` read,
//! through [`ServiceConfig`] (its service sections and the detection settings).

use crate::cli::ConfigCommand;
use server::ServiceConfig;
use std::process::ExitCode;

pub fn run(command: ConfigCommand) -> anyhow::Result<ExitCode> {
    match command {
        ConfigCommand::Show { config, learned, paths, tenant } => {
            let config = match config {
                Some(path) => ServiceConfig::load(&path)?,
                None => ServiceConfig::default(),
            };
            if learned {
                return super::learned::show(&config.detect, paths, &tenant);
            }
            print!("{}", config.to_toml());
        }
        ConfigCommand::Check { file } => {
            ServiceConfig::load(&file)?;
            println!("ok: {} is a valid factorwatch configuration", file.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}
