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

    /// Write a deterministic synthetic tenant ("acme") in providers' native log shapes,
    /// with attack stories, benign look-alikes, a config and the ground truth.
    Gen(GenArgs),
}

#[derive(Debug, clap::Args)]
pub struct GenArgs {
    /// Directory to write into (created if missing).
    #[arg(long, default_value = "acme-tenant")]
    pub out: PathBuf,

    /// Seed of the generator: the same arguments always write the same bytes.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,

    /// People in the tenant (at least 30).
    #[arg(long, default_value_t = 200)]
    pub users: u32,

    /// Length of the period in days (at least 14).
    #[arg(long, default_value_t = 30)]
    pub days: u32,

    /// About how many log lines to write across all sources.
    #[arg(long, default_value_t = 100_000)]
    pub events: usize,

    /// Start of the period (RFC 3339).
    #[arg(long, default_value = "2026-05-01T00:00:00Z")]
    pub start: String,
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
