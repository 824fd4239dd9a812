use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// factorwatch: finds attackers who persist through MFA factor, recovery and credential
/// changes in identity providers' logs.
#[derive(Debug, Parser)]
#[command(name = "factorwatch", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read providers' native logs and print them as normalized identity events.
    ///
    /// Events go to stdout; a summary and every problem (with file:line and the reason) go
    /// to stderr. The exit status is 0 even when some records were bad, unless --strict.
    Normalize(NormalizeArgs),
}

#[derive(Debug, clap::Args)]
pub struct NormalizeArgs {
    /// Files, directories (read recursively) or `-` for stdin; gzip is detected by content.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,

    #[arg(long, value_enum, default_value_t = Format::Json)]
    pub format: Format,

    /// Exit with status 1 when any record was malformed, unrecognized or unreadable.
    #[arg(long)]
    pub strict: bool,

    /// Name a provider's tenant where its logs do not (Okta): `--tenant okta=acme.okta.com`.
    #[arg(long, value_name = "PROVIDER=NAME")]
    pub tenant: Vec<String>,

    /// Skip records (lines, array elements) longer than this many bytes.
    #[arg(long, default_value_t = 10 * 1024 * 1024, value_name = "BYTES")]
    pub max_record_bytes: u64,

    /// Print every event, even one repeating an event already printed (by default the same
    /// provider event seen twice is printed once).
    #[arg(long)]
    pub keep_duplicates: bool,

    /// Print no summary, only problems.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One JSON event per line.
    Json,
    /// Aligned columns for people.
    Table,
}
