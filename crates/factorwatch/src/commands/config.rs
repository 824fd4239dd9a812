//! `factorwatch config show|check`.

use crate::cli::ConfigCommand;
use detect::Config;
use std::process::ExitCode;

pub fn run(command: ConfigCommand) -> anyhow::Result<ExitCode> {
    match command {
        ConfigCommand::Show { config, learned, paths, tenant } => {
            let config = match config {
                Some(path) => Config::load(&path)?,
                None => Config::default(),
            };
            if learned {
                return super::learned::show(&config, paths, &tenant);
            }
            print!("{}", config.to_toml());
        }
        ConfigCommand::Check { file } => {
            Config::load(&file)?;
            println!("ok: {} is a valid factorwatch configuration", file.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}
