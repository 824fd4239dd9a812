//! A local NDJSON file: one finding JSON per line, appended; each batch is written, flushed
//! and fsynced before its deliveries count as delivered.

use super::outbox::Payload;
use std::path::{Path, PathBuf};
use tokio::io::AsyncWriteExt;

/// Appends findings to a local file, one JSON object per line.
#[derive(Debug, Clone)]
pub struct NdjsonSender {
    path: PathBuf,
}

impl NdjsonSender {
    /// A sender appending to `path`.
    pub fn new(path: PathBuf) -> NdjsonSender {
        NdjsonSender { path }
    }

    /// The file it appends to.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends the findings, one line each, and syncs the file. The file is opened per batch
    /// so that a rotated file is followed. On error some lines may already be written; the
    /// batch is retried whole, so a reader may see a finding twice (its `id` tells).
    pub async fn append(&self, payloads: &[Payload<'_>]) -> Result<(), String> {
        let mut lines = Vec::new();
        for payload in payloads {
            lines.extend(payload.body()?);
            lines.push(b'\n');
        }
        let shown = self.path.display();
        let mut options = tokio::fs::OpenOptions::new();
        options.create(true).append(true);
        // Findings name people and their factors: the file is the service user's alone.
        #[cfg(unix)]
        options.mode(0o600);
        let mut file = options.open(&self.path).await.map_err(|e| format!("open `{shown}`: {e}"))?;
        file.write_all(&lines).await.map_err(|e| format!("write `{shown}`: {e}"))?;
        file.flush().await.map_err(|e| format!("flush `{shown}`: {e}"))?;
        file.sync_data().await.map_err(|e| format!("sync `{shown}`: {e}"))?;
        Ok(())
    }
}
