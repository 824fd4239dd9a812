//! Sigma rules in the service. Rules need the raw record, which the store does not keep, so
//! they are matched at ingest, on the record as parsed for normalization; the matches go
//! through correlation in arrival order, and the findings wait here for the worker, which
//! stores them with its own in the same transaction and incidents. The correlation windows
//! and the findings not yet stored are saved in the data folder before ingest answers, so a
//! restart loses neither.

use model::Finding;
use serde::{Deserialize, Serialize};
use sigma::correlate::Windows;
use sigma::{Evaluator, Hit, RuleSet, Session};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The file, in the data folder, that holds the Sigma state between runs.
pub const STATE_FILE: &str = "sigma-state.json";

#[derive(Default, Serialize, Deserialize)]
struct Saved {
    windows: Windows,
    pending: Vec<Finding>,
}

struct Inner {
    session: Session,
    pending: Vec<Finding>,
}

pub struct SigmaRules {
    pub evaluator: Evaluator,
    path: PathBuf,
    inner: Mutex<Inner>,
}

impl SigmaRules {
    /// Loads the rules of `dir` and the state saved in `data_dir`.
    pub fn open(dir: &Path, data_dir: &Path) -> anyhow::Result<SigmaRules> {
        let rules = RuleSet::load(dir).map_err(|e| anyhow::anyhow!("reading Sigma rules in {}: {e}", dir.display()))?;
        tracing::info!(rules = rules.loaded(), skipped = rules.skipped.len(), dir = %dir.display(), "sigma rules loaded");
        let rules = Arc::new(rules);
        let path = data_dir.join(STATE_FILE);
        store::private::restrict_file(&path)
            .map_err(|e| anyhow::anyhow!("cannot make the Sigma state {} private: {e}", path.display()))?;
        let saved: Saved = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| anyhow::anyhow!("the Sigma state {} is unreadable: {e}", path.display()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Saved::default(),
            Err(e) => return Err(anyhow::anyhow!("cannot read the Sigma state {}: {e}", path.display())),
        };
        let session = Session::with_windows(rules.clone(), saved.windows);
        Ok(SigmaRules {
            evaluator: Evaluator::new(rules),
            path,
            inner: Mutex::new(Inner { session, pending: saved.pending }),
        })
    }

    /// Correlates the matches of a stored request and keeps their findings for the worker;
    /// saved before it returns.
    pub fn accept(&self, hits: Vec<Hit>) -> std::io::Result<()> {
        if hits.is_empty() {
            return Ok(());
        }
        let Ok(mut inner) = self.inner.lock() else { return Ok(()) };
        let findings = inner.session.process(hits);
        inner.pending.extend(findings);
        self.save(&inner)
    }

    /// The findings not yet stored.
    pub fn pending(&self) -> Vec<Finding> {
        self.inner.lock().map(|i| i.pending.clone()).unwrap_or_default()
    }

    pub fn has_pending(&self) -> bool {
        self.inner.lock().is_ok_and(|i| !i.pending.is_empty())
    }

    /// The worker stored these: they need not be kept any longer.
    pub fn stored(&self, ids: &[String]) -> std::io::Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let Ok(mut inner) = self.inner.lock() else { return Ok(()) };
        inner.pending.retain(|f| !ids.contains(&f.id));
        self.save(&inner)
    }

    fn save(&self, inner: &Inner) -> std::io::Result<()> {
        #[derive(Serialize)]
        struct SavedRef<'a> {
            windows: &'a Windows,
            pending: &'a [Finding],
        }
        let bytes = serde_json::to_vec(&SavedRef { windows: inner.session.windows(), pending: &inner.pending })?;
        // Written beside and renamed over, so a crash leaves the old state or the new one.
        let tmp = self.path.with_extension("json.tmp");
        store::private::write(&tmp, &bytes)?;
        std::fs::rename(&tmp, &self.path)
    }
}

/// Correlates the matches of records whose events are stored, keeping only those of the
/// endpoint's provider (as ingest keeps only its events), and wakes the worker.
pub async fn accept(app: &crate::state::AppState, provider: model::Provider, mut hits: Vec<Hit>) {
    let Some(rules) = app.sigma.clone() else { return };
    hits.retain(|h| h.facts.provider == provider);
    if hits.is_empty() {
        return;
    }
    match tokio::task::spawn_blocking(move || rules.accept(hits)).await {
        Ok(Ok(())) => app.wake_worker(),
        Ok(Err(e)) => tracing::error!(error = %e, "cannot save the Sigma state"),
        Err(e) => tracing::error!(error = %e, "Sigma correlation failed"),
    }
}
