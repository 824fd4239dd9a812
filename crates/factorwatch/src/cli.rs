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
    /// to stderr. The exit status is 0 even when some records were bad, unless --strict
    /// (1); 2 on a usage error; 4 when there was nothing to read (a path that does not
    /// exist, a folder without logs, no provider's record at all).
    Normalize(NormalizeArgs),

    /// Hunt native logs for persistence through factor, recovery and credential changes.
    ///
    /// Events are put in event-time order whatever the input order (an external sort, so
    /// memory follows identity state, not input size), run through every detector, and the
    /// findings written to stdout. A summary goes to stderr. Exit status: 0 ok, 1 problems
    /// with --strict, 2 usage or config error, 3 a finding at or above --fail-on, 4 nothing
    /// to read (a path that does not exist, a folder without logs, no provider's record).
    Hunt(HuntArgs),

    /// Generate a demo tenant, hunt it, store the findings and show the incident queue.
    Demo(DemoArgs),

    /// Show or check the configuration.
    #[command(subcommand)]
    Config(ConfigCommand),

    /// The identity graph: import inventories, show an identity, its blast radius.
    Graph(GraphArgs),

    /// Write a deterministic synthetic tenant ("acme") in providers' native log shapes,
    /// with attack stories, benign look-alikes, a config and the ground truth.
    Gen(GenArgs),

    /// Run the service: ingestion endpoints, stream detection, the incident API, sinks.
    ///
    /// Stores in the embedded SQLite file of the data folder unless the config gives
    /// `[server] database_url`. Stops cleanly on Ctrl-C or SIGTERM.
    Serve(ServeArgs),

    /// API tokens for the service: create (shown once), list, revoke.
    #[command(subcommand)]
    Token(TokenCommand),

    /// Ask the enrollment decision point whether a factor binding may happen.
    ///
    /// By default the running service decides (at --server, http://127.0.0.1:8080 unless
    /// FACTORWATCH_URL says otherwise, with what it knows of the identity) and files the
    /// decision; with --local, the policies decide here on the --identity given.
    /// Exit status: 0 allow, 10 step_up, 11 require_approval, 12 deny, 2 error.
    Decide(DecideArgs),

    /// The enrollment policies: run example requests against them.
    #[command(subcommand)]
    Policy(PolicyCommand),

    /// Open a revalidation campaign on the service: privileged identities' factors bound
    /// without approval or longer ago than the period, for approvers to attest or revoke.
    Revalidate(RevalidateArgs),

    /// Sigma rules: check that a folder loads (`lint`), see what fires on logs (`test`).
    #[command(subcommand)]
    Rules(RulesCommand),
}

/// Where the service is and which token to use. The token is read from an environment
/// variable, never from the command line (where other users could see it).
#[derive(Debug, clap::Args)]
pub struct ServiceClient {
    /// The service's base URL.
    #[arg(long, value_name = "URL", env = "FACTORWATCH_URL", default_value = "http://127.0.0.1:8080")]
    pub server: String,
    /// The environment variable holding the API token.
    #[arg(long, value_name = "NAME", default_value = "FACTORWATCH_TOKEN")]
    pub token_env: String,
    /// PEM certificates to trust for an https:// service besides the system's usual roots
    /// (a private CA, or the service's self-signed certificate).
    #[arg(long, value_name = "FILE", env = "FACTORWATCH_CA_CERT")]
    pub ca_cert: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct DecideArgs {
    /// The request as JSON (provider, tenant, identity, actor, factor, context); `-` for stdin.
    #[arg(value_name = "REQUEST")]
    pub request: PathBuf,
    /// Decide locally instead of asking the service.
    #[arg(long)]
    pub local: bool,
    /// Local: the identity's state as JSON (tier, manager, risk, familiar, factors); tier 2
    /// with no history when absent.
    #[arg(long, value_name = "FILE", requires = "local")]
    pub identity: Option<PathBuf>,
    /// Local: a folder of `*.cedar` policies over the shipped defaults.
    #[arg(long, value_name = "DIR", requires = "local")]
    pub policies: Option<PathBuf>,
    #[command(flatten)]
    pub client: ServiceClient,
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Run example requests with expected decisions against the policy set (the shipped
    /// examples by default). Exit status 1 when an example fails.
    Test {
        /// A folder of `*.cedar` policies over the shipped defaults.
        #[arg(long, value_name = "DIR")]
        policies: Option<PathBuf>,
        /// A TOML file of `[[example]]` entries (see the shipped examples).
        #[arg(long, value_name = "FILE")]
        examples: Option<PathBuf>,
    },
}

#[derive(Debug, clap::Args)]
pub struct RevalidateArgs {
    #[command(flatten)]
    pub client: ServiceClient,
    /// Print the campaign as JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// The configuration file: `[server]`, `[[sinks]]` and the detection settings.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Listen on this address instead of the configured one (e.g. 0.0.0.0:8080).
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<std::net::SocketAddr>,

    /// The data folder (the embedded database) instead of the configured one.
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// A folder of Sigma rules to run on ingested records; overrides `[sigma] rules`.
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Load a folder of Sigma rules and say which load and which are skipped, and why.
    /// Exit status 1 when a rule is skipped.
    Lint {
        /// A folder of rules (read recursively) or one rule file.
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
    /// Run Sigma rules over logs and print which rules fire on which records.
    Test {
        /// A folder of rules (read recursively) or one rule file.
        #[arg(value_name = "DIR")]
        dir: PathBuf,
        /// Log files or folders, as `hunt` reads them (`--events okta/ cloudtrail/`).
        #[arg(long, value_name = "PATH", required = true, num_args = 1..)]
        events: Vec<PathBuf>,
        /// Print JSON lines (one per match) instead of a table.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token and print it once (only its hash is stored).
    Create {
        /// metrics (reads /metrics only), ingest (posts events only), viewer, analyst, approver
        /// or admin.
        #[arg(long, value_parser = ["metrics", "ingest", "viewer", "analyst", "approver", "admin"])]
        role: String,
        /// Who or what holds it, as shown in the audit log.
        #[arg(long)]
        name: String,
        #[command(flatten)]
        target: ServiceTarget,
    },
    /// List tokens (never the secrets).
    List {
        #[command(flatten)]
        target: ServiceTarget,
    },
    /// Revoke a token by its id (`tok_…`); it stops working at once.
    Revoke {
        id: String,
        #[command(flatten)]
        target: ServiceTarget,
    },
}

/// Which service's store a command works on.
#[derive(Debug, clap::Args)]
pub struct ServiceTarget {
    /// The service's configuration file (for `database_url` or `data_dir`).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The data folder instead of the configured one.
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct HuntArgs {
    /// Files, directories (read recursively) or `-` for stdin, any mix of providers.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,

    #[arg(long, value_enum, default_value_t = HuntFormat::Table)]
    pub format: HuntFormat,

    /// Only events at or after this time (RFC 3339, e.g. 2026-05-01T00:00:00Z).
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,

    /// Only events before this time (RFC 3339).
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,

    /// Exit with status 3 when any finding is at or above this severity.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<SeverityArg>,

    /// Only findings at or above this severity (and the incidents holding one), in every
    /// format. `--fail-on` still sees every finding.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub min_severity: Option<SeverityArg>,

    /// Table: list each incident's findings under it.
    #[arg(long)]
    pub findings: bool,

    /// JSON: `raw` adds the provider's own record to each evidence event (read back from the
    /// files; not with stdin).
    #[arg(long, value_enum, default_value_t = EvidenceArg::Normalized, value_name = "WHAT")]
    pub evidence: EvidenceArg,

    /// The configuration file, the same one `serve` reads (see `factorwatch config show`);
    /// hunt uses its detection settings. Defaults apply without one.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Name a provider's tenant where its logs do not (Okta): `--tenant okta=acme.okta.com`.
    #[arg(long, value_name = "PROVIDER=NAME")]
    pub tenant: Vec<String>,

    /// Identity inventory to load (any format `factorwatch graph import` reads); repeatable.
    /// Tiers and blast radius come from it.
    #[arg(long, value_name = "FILE")]
    pub inventory: Vec<PathBuf>,

    /// When the factor snapshots among the inventory files were taken (RFC 3339), where the
    /// files do not say; default: each file's modification time.
    #[arg(long, value_name = "TIME")]
    pub snapshot_time: Option<chrono::DateTime<chrono::Utc>>,

    /// Turn enrollment gating on (FW-012), as `[gating] enabled = true` does: factors bound
    /// to gated identities (tier 0 and 1 by default) must have been allowed by the decision
    /// point. Without --decisions, every such binding is reported.
    #[arg(long)]
    pub gating: bool,

    /// The decision point's ledger export (NDJSON, one `{"decision": …}` or `{"approval": …}`
    /// a line; docs/policy.md) that gating checks bindings against. Needs gating on.
    #[arg(long, value_name = "FILE")]
    pub decisions: Option<PathBuf>,

    /// A folder of Sigma rules (or one rule file) to run on the native records beside the
    /// detectors; their findings join the same incidents. Overrides `[sigma] rules`.
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,

    /// Exit with status 1 when any record was malformed, unrecognized or unreadable.
    #[arg(long)]
    pub strict: bool,

    /// Print no summary, only problems.
    #[arg(long, short)]
    pub quiet: bool,

    /// Events held in memory before a sorted run is spilled to a temporary file.
    #[arg(long, default_value_t = detect::order::DEFAULT_RUN_EVENTS, value_name = "EVENTS", hide = true)]
    pub sort_run_events: usize,
}

#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Where the demo tenant and the database go (default: $FACTORWATCH_DATA_DIR, else
    /// $XDG_DATA_HOME/factorwatch, else ~/.local/share/factorwatch).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// Seed of the generated tenant: the same seed gives the same logs.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,

    /// Hunt this existing tenant folder (logs plus factorwatch.toml) instead of generating one.
    #[arg(long, value_name = "DIR", hide = true)]
    pub tenant_dir: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the effective configuration, defaults included, as TOML.
    Show {
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Instead, list the shared egress networks learned from the logs at PATH (as `hunt`
        /// over them learns them): identities, first and latest sign-in, and why.
        #[arg(long, requires = "paths")]
        learned: bool,
        /// With --learned: the files or folders of logs to learn from.
        #[arg(requires = "learned", value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// With --learned: tenant names for providers whose logs carry none, as PROVIDER=NAME.
        #[arg(long, value_name = "PROVIDER=NAME", requires = "learned")]
        tenant: Vec<String>,
    },
    /// Check a configuration file and say what is wrong with it.
    Check { file: PathBuf },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HuntFormat {
    /// Columns for people, by incident risk, at most 100 wide.
    Table,
    /// One finding per line (the output contract).
    Json,
    /// One OCSF Detection Finding (class 2004) per line.
    Ocsf,
    /// One row per finding under a header row (RFC 4180).
    Csv,
}

/// What a JSON finding's evidence events carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EvidenceArg {
    /// The normalized event: provider, id, time, category, action and `file:line`.
    Normalized,
    /// The same, and the provider's raw record as `raw`.
    Raw,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SeverityArg {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl SeverityArg {
    pub fn severity(self) -> model::Severity {
        match self {
            SeverityArg::Info => model::Severity::Info,
            SeverityArg::Low => model::Severity::Low,
            SeverityArg::Medium => model::Severity::Medium,
            SeverityArg::High => model::Severity::High,
            SeverityArg::Critical => model::Severity::Critical,
        }
    }
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

#[derive(Debug, clap::Args)]
pub struct GraphArgs {
    /// Where the database holding the graph is (default: the data folder).
    #[arg(long, value_name = "DIR", global = true)]
    pub data_dir: Option<PathBuf>,

    #[command(subcommand)]
    pub command: GraphCommand,
}

#[derive(Debug, Subcommand)]
pub enum GraphCommand {
    /// Import inventory files (format detected: factorwatch inventory, AWS IAM authorization
    /// details, Microsoft Graph, AzureHound, Okta, Google Workspace, GitHub) and factor
    /// snapshots (Okta factors, Graph authentication methods, AWS MFA devices, Duo users)
    /// into the graph. Exit status: 0 imported, 2 a file of a known format that cannot be
    /// used, 4 nothing to read (a file that does not exist, is a folder, is empty or is no
    /// format above); nothing is stored unless every file imports.
    Import {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// When the factor snapshots among the files were taken (RFC 3339); default: the time
        /// a file states, else its modification time.
        #[arg(long, value_name = "TIME")]
        snapshot_time: Option<chrono::DateTime<chrono::Utc>>,
    },
    /// An identity: what it is, its tier, and its edges in and out.
    Show {
        /// The identity's id or login name.
        identity: String,
        #[arg(long)]
        provider: Option<String>,
    },
    /// Everything an identity can reach, each with the path that explains it.
    BlastRadius {
        identity: String,
        #[arg(long)]
        provider: Option<String>,
        #[arg(long, value_enum, default_value_t = GraphFormat::Table)]
        format: GraphFormat,
    },
    /// Non-human identity posture checks P-1 to P-5 (OWASP NHI Top 10), over the whole graph.
    Posture {
        /// P-3: secrets older than this many days are long-lived.
        #[arg(long, default_value_t = 90, value_name = "DAYS")]
        max_secret_age_days: i64,
        #[arg(long, value_enum, default_value_t = PostureFormat::Table)]
        format: PostureFormat,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    Table,
    Json,
    /// Graphviz DOT: `factorwatch graph blast-radius alice --format dot | dot -Tsvg > alice.svg`.
    Dot,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PostureFormat {
    Table,
    Json,
}
