//! The service's snapshot: the stream detector's state, and the de-duplication window state
//! that `hunt` keeps across records (one change written as several records), so that a restart
//! drops the same events an uninterrupted run would.
//!
//! Layout: `FWS1`, the collapser as JSON with its length (u64, little-endian), then the
//! stream's own snapshot bytes.

use ingest::collapse::Collapser;

const MAGIC: &[u8; 4] = b"FWS1";

#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("the snapshot is not a factorwatch service snapshot (or an older format)")]
    Format,
    #[error("the snapshot's de-duplication state is unreadable: {0}")]
    Collapser(String),
}

pub fn encode(collapser: &Collapser, stream: &[u8]) -> Result<Vec<u8>, SnapshotError> {
    let state = serde_json::to_vec(collapser).map_err(|e| SnapshotError::Collapser(e.to_string()))?;
    let mut out = Vec::with_capacity(12 + state.len() + stream.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(state.len() as u64).to_le_bytes());
    out.extend_from_slice(&state);
    out.extend_from_slice(stream);
    Ok(out)
}

pub fn decode(bytes: &[u8]) -> Result<(Collapser, &[u8]), SnapshotError> {
    let rest = bytes.strip_prefix(MAGIC.as_slice()).ok_or(SnapshotError::Format)?;
    let (len, rest) = rest.split_first_chunk::<8>().ok_or(SnapshotError::Format)?;
    let len = usize::try_from(u64::from_le_bytes(*len)).map_err(|_| SnapshotError::Format)?;
    if rest.len() < len {
        return Err(SnapshotError::Format);
    }
    let (state, stream) = rest.split_at(len);
    let collapser = serde_json::from_slice(state).map_err(|e| SnapshotError::Collapser(e.to_string()))?;
    Ok((collapser, stream))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_snapshot_reads_back_and_garbage_is_an_error() {
        let bytes = encode(&Collapser::default(), b"stream-state").unwrap();
        let (_, stream) = decode(&bytes).unwrap();
        assert_eq!(stream, b"stream-state");
        assert!(decode(b"nope").is_err());
        assert!(decode(&bytes[..10]).is_err());
        let mut truncated = bytes.clone();
        truncated.truncate(14);
        assert!(decode(&truncated).is_err());
    }
}
