//! `factorwatch gen`: a deterministic synthetic tenant ("acme") written in each provider's
//! native log shape, with attack stories and benign look-alikes embedded, a config for the
//! tenant and the ground truth (docs/gen.md).
//!
//! Generation plans small `Copy` records (`event::Ev`) from one seeded ChaCha RNG, sorts
//! each source by time, and formats the native JSON lines directly into buffered files.

#![warn(missing_docs)]

mod background;
mod clock;
mod config;
mod decisions;
mod event;
mod ids;
mod lookalikes;
mod places;
mod plan;
mod stories;
mod tenant;
mod truth;
mod write;

use chrono::{DateTime, Utc};
use clock::{DAY, HOUR, MINUTE};
use event::Source;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::io::Write;
use std::path::{Path, PathBuf};
use tenant::{MIN_USERS, Tenant, User, cast};

/// The fewest days the stories fit in (a week of baseline, the stories, three silent days).
pub const MIN_DAYS: u32 = 14;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Config {
    /// The RNG seed: the same seed and settings give the same files, byte for byte.
    pub seed: u64,
    /// How many people the tenant has (at least the stories' cast).
    pub users: u32,
    /// How many days of logs, from `start` (at least [`MIN_DAYS`]).
    pub days: u32,
    /// About how many lines to write in all (at least the stories' own).
    pub events: usize,
    /// The first day's midnight, UTC.
    pub start: DateTime<Utc>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            seed: 1,
            users: 200,
            days: 30,
            events: 100_000,
            start: DateTime::from_timestamp(1_777_593_600, 0).unwrap_or_default(),
        }
    }
}

/// Why a tenant could not be generated.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SynthError {
    /// The tenant spans fewer days than the stories need.
    #[error("a tenant of {0} days is too short: the stories need at least {MIN_DAYS} days")]
    TooFewDays(u32),
    /// The tenant has fewer people than the stories' cast.
    #[error("a tenant of {0} people is too small: the stories need at least {MIN_USERS} people")]
    TooFewUsers(u32),
    /// An output file could not be written.
    #[error("cannot write `{path}`: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// What was written.
#[derive(Debug)]
pub struct Summary {
    /// (file relative to the output directory, lines).
    pub files: Vec<(&'static str, usize)>,
    /// Attack stories embedded.
    pub stories: usize,
    /// Benign look-alikes embedded.
    pub lookalikes: usize,
}

impl Summary {
    /// Log lines written in all.
    pub fn lines(&self) -> usize {
        self.files.iter().map(|(_, n)| n).sum()
    }
}

/// The tenant and the period: what stories, background and writers share.
pub(crate) struct World {
    pub tenant: Tenant,
    pub seed: u64,
    pub start: i64,
    pub end: i64,
    pub days: u32,
    /// The day the stories are arranged around.
    pub anchor: u32,
    /// GitHub's last background event is before this (FW-011).
    pub github_cutoff: i64,
}

impl World {
    /// A local wall-clock time on a day of the period, in UTC milliseconds.
    pub fn local(&self, user: &User, day: u32, hour: i64, minute: i64) -> i64 {
        self.start + i64::from(day) * DAY + (hour - user.tz()) * HOUR + minute * MINUTE
    }

    /// Story and look-alike people get no background traffic around the stories, so that
    /// every finding on them is one the truth names.
    pub fn is_quiet(&self, user: u32, day: u32) -> bool {
        (cast::FIRST_EMPLOYEE..MIN_USERS).contains(&user) && day + 1 >= self.anchor && day <= self.anchor + 4
    }

    /// An Okta authenticator enrollment id: the user's own Okta Verify, or factor `n`.
    pub fn okta_factor_id(&self, user: &User, n: u32) -> String {
        if n == 0 {
            return user.okta_push_id.clone();
        }
        ids::string(|w| self.write_okta_factor_id(w, user, n))
    }

    pub fn write_okta_factor_id(&self, w: &mut impl Write, user: &User, n: u32) -> std::io::Result<()> {
        if n == 0 {
            return w.write_all(user.okta_push_id.as_bytes());
        }
        w.write_all(b"pfd")?;
        ids::base62(w, ids::hash(&[self.seed, 0xFAC7, u64::from(n)]), 17)
    }

    /// The service principal a user administers (story 5).
    pub fn service_principal_id(&self, user: &User) -> String {
        ids::string(|w| ids::uuid(w, ids::hash(&[self.seed, 0x5E5E, u64::from(user.index)])))
    }
}

/// Generates the tenant into `out`: one NDJSON file per source, `factorwatch.toml`,
/// `truth.json` and the decision point's ledger export `decisions.ndjson`. Same config,
/// same bytes.
pub fn generate(cfg: &Config, out: &Path) -> Result<Summary, SynthError> {
    if cfg.days < MIN_DAYS {
        return Err(SynthError::TooFewDays(cfg.days));
    }
    if cfg.users < MIN_USERS {
        return Err(SynthError::TooFewUsers(cfg.users));
    }
    let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed);
    let mut tenant = tenant::build(&mut rng, cfg.users);
    let start = cfg.start.timestamp_millis();
    let end = start + i64::from(cfg.days) * DAY;
    let anchor = cfg.days / 2;
    if let Some(nh) = tenant.users.get_mut(cast::NEW_HIRE as usize) {
        nh.start_day = anchor - 4;
    }
    let world =
        World { tenant, seed: cfg.seed, start, end, days: cfg.days, anchor, github_cutoff: end - 3 * DAY - HOUR };

    let mut plan = plan::Plan::with_capacity(cfg.events);
    let embedded = stories::embed(&world, &mut plan);
    background::generate(&mut rng, &world, &mut plan, cfg.events);
    let lines = plan.into_sorted();

    let results: Vec<Result<(&'static str, usize), SynthError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = Source::ALL
            .iter()
            .zip(lines.iter())
            .map(|(source, evs)| {
                let world = &world;
                scope.spawn(move || {
                    let path = out.join(source.path());
                    write::write_file(*source, world, evs, &path)
                        .map(|()| (source.path(), evs.len()))
                        .map_err(|source| SynthError::Io { path, source })
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(SynthError::Io {
                        path: out.to_path_buf(),
                        source: std::io::Error::other("writer thread failed"),
                    })
                })
            })
            .collect()
    });
    let files = results.into_iter().collect::<Result<Vec<_>, _>>()?;

    let summary = Summary { files, stories: embedded.stories.len(), lookalikes: embedded.lookalikes.len() };
    let truth = truth::Truth {
        tenant: "acme",
        seed: cfg.seed,
        start: clock::to_rfc3339(start),
        end: clock::to_rfc3339(end),
        users: truth::users(&world),
        stories: embedded.stories,
        lookalikes: embedded.lookalikes,
        gating: embedded.gating,
    };
    let truth_path = out.join("truth.json");
    let json =
        serde_json::to_vec_pretty(&truth).map_err(|e| SynthError::Io { path: truth_path.clone(), source: e.into() })?;
    std::fs::write(&truth_path, json).map_err(|source| SynthError::Io { path: truth_path, source })?;
    let decisions_path = out.join(decisions::FILE);
    decisions::write(&world, &embedded.allowed, &decisions_path)
        .map_err(|source| SynthError::Io { path: decisions_path, source })?;
    let toml_path = out.join("factorwatch.toml");
    std::fs::write(&toml_path, config::toml(&world)).map_err(|source| SynthError::Io { path: toml_path, source })?;
    Ok(summary)
}
