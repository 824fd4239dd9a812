//! Stream mode (`serve`): events arrive in store order, roughly by time. A reorder buffer
//! holds them until they are `lateness` older than the newest event seen, then hands them
//! to the engine in [`order::compare`] order, the order `hunt` uses; so when every event is
//! within the lateness, the stream gives the findings and incidents of a hunt. An event
//! older than one already processed is late: it is counted and still processed.
//!
//! A snapshot holds everything needed to resume after a crash: the engine's state, the
//! buffered events with their store sequence numbers, and the cursor (the highest sequence
//! pushed), so the service re-reads the store from the cursor on.

use crate::config::{Config, ConfigError};
use crate::engine::Engine;
use crate::order;
use crate::persist;
use chrono::{DateTime, Utc};
use model::{Event, Finding, Incident};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// The snapshot format this build writes (2: risky sign-ins keep typed reasons; 3: the
/// privileged work each identity was seen doing, for observed tiers; 4: the networks seen in
/// sign-ins, for learned egress, and travel findings held on them; 5: every account seen under
/// a login, not only the first).
pub const SNAPSHOT_VERSION: u32 = 5;
/// The oldest snapshot format this build still reads: version 2 lacks the observed work,
/// version 3 the networks seen and version 4 the later accounts of a login, which start empty.
pub const OLDEST_READABLE_VERSION: u32 = 2;
/// Every snapshot starts with these bytes, then the version (u32, little-endian), then
/// the state as JSON.
const MAGIC: &[u8; 4] = b"FWSS";

/// Why a snapshot cannot be taken or restored.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StreamError {
    /// The bytes are not a snapshot.
    #[error("not a factorwatch stream snapshot: it does not start with `FWSS`")]
    NotASnapshot,
    /// A snapshot of a format this build does not read.
    #[error(
        "stream snapshot version {found} is not supported: this build reads versions {OLDEST_READABLE_VERSION} to {SNAPSHOT_VERSION}; start from an empty state or use the build that wrote it"
    )]
    UnknownVersion {
        /// The version the snapshot says it is.
        found: u32,
    },
    /// The snapshot ends early, does not parse, or contradicts itself.
    #[error("stream snapshot is damaged")]
    Damaged(#[source] Option<serde_json::Error>),
    /// The state cannot be written.
    #[error("cannot write the stream snapshot")]
    Write(#[source] serde_json::Error),
    /// The restored engine cannot use the settings.
    #[error("the restored stream cannot use the settings")]
    Config(#[from] ConfigError),
}

/// A buffered event. The heap pops the least in [`order::compare`] order, then store order.
struct Pending {
    seq: i64,
    event: Event,
}

impl PartialEq for Pending {
    fn eq(&self, other: &Pending) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Pending {}

impl PartialOrd for Pending {
    fn partial_cmp(&self, other: &Pending) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Pending {
    // Reversed: `BinaryHeap` pops its greatest element.
    fn cmp(&self, other: &Pending) -> Ordering {
        order::compare(&other.event, &self.event).then_with(|| other.seq.cmp(&self.seq))
    }
}

/// The engine behind a reorder buffer.
pub struct Stream {
    engine: Engine,
    lateness: std::time::Duration,
    buffer: BinaryHeap<Pending>,
    /// The latest event time pushed.
    newest: Option<DateTime<Utc>>,
    /// The furthest event processed, in [`order::compare`] order: what makes an event late.
    processed: Option<Event>,
    cursor: i64,
    late: u64,
}

#[derive(Serialize)]
struct Saved<'a> {
    lateness: std::time::Duration,
    cursor: i64,
    late: u64,
    newest: Option<DateTime<Utc>>,
    processed: Option<&'a Event>,
    buffered: Vec<(i64, &'a Event)>,
    engine: persist::Saved<'a>,
}

#[derive(Deserialize)]
struct Loaded {
    lateness: std::time::Duration,
    cursor: i64,
    late: u64,
    newest: Option<DateTime<Utc>>,
    processed: Option<Event>,
    buffered: Vec<(i64, Event)>,
    engine: persist::Loaded,
}

impl Stream {
    /// A stream over `engine` that waits up to `lateness` for events to arrive out of order.
    pub fn new(engine: Engine, lateness: std::time::Duration) -> Stream {
        Stream { engine, lateness, buffer: BinaryHeap::new(), newest: None, processed: None, cursor: 0, late: 0 }
    }

    /// The stream, asking `gate` about factors bound to gated identities (FW-012). The gate
    /// is not part of a snapshot: set it again on the restored stream.
    pub fn with_gate(mut self, gate: std::sync::Arc<dyn crate::EnrollmentGate>) -> Stream {
        self.engine.set_gate(Some(gate));
        self
    }

    /// Buffers one stored event (`seq`: its store sequence number, increasing). Returns true
    /// when the event is late: it sorts before an event already processed. A late event is
    /// still processed (out of order) by the next [`Stream::release`].
    pub fn push(&mut self, seq: i64, event: Event) -> bool {
        self.cursor = self.cursor.max(seq);
        self.newest = Some(self.newest.map_or(event.time, |t| t.max(event.time)));
        let late = self.processed.as_ref().is_some_and(|p| order::compare(&event, p) == Ordering::Less);
        if late {
            self.late += 1;
        }
        self.buffer.push(Pending { seq, event });
        late
    }

    /// Processes, in [`order::compare`] order, every buffered event at or before the latest
    /// event time seen less the lateness. Returns how many were processed.
    pub fn release(&mut self) -> usize {
        let Some(newest) = self.newest else { return 0 };
        let Some(watermark) = chrono::Duration::from_std(self.lateness).ok().and_then(|l| newest.checked_sub_signed(l))
        else {
            return 0;
        };
        let mut processed = 0;
        while self.buffer.peek().is_some_and(|p| p.event.time <= watermark) {
            let Some(pending) = self.buffer.pop() else { break };
            self.process(pending.event);
            processed += 1;
        }
        processed
    }

    /// Processes everything buffered (the input went quiet), then runs the timer checks due
    /// at or before `now`. Returns how many events were processed.
    ///
    /// A check sees only the events processed before it runs: give a `now` far enough
    /// behind the wall clock for the events of that time to have arrived. Its finding is
    /// dated at its due time, as a hunt over events past that time dates it (a hunt whose
    /// data ends before the due time dates it at the latest event instead).
    pub fn drain(&mut self, now: DateTime<Utc>) -> usize {
        let mut processed = 0;
        while let Some(pending) = self.buffer.pop() {
            self.process(pending.event);
            processed += 1;
        }
        self.engine.run_checks_by_clock(now);
        processed
    }

    fn process(&mut self, event: Event) {
        self.engine.process(&event);
        if self.processed.as_ref().is_none_or(|p| order::compare(&event, p) == Ordering::Greater) {
            self.processed = Some(event);
        }
    }

    /// Findings emitted since the last call, as detected: no incident, risk score or
    /// remediation yet ([`Stream::group`] adds them).
    pub fn take_findings(&mut self) -> Vec<Finding> {
        std::mem::take(&mut self.engine.findings)
    }

    /// [`Engine::adopt`] on the stream's engine: the finding comes out of the next
    /// [`Stream::take_findings`].
    pub fn adopt(&mut self, finding: Finding) {
        self.engine.adopt(finding);
    }

    /// FW-011 blind spots as they stand now (at the latest event processed), not
    /// remembered: a later call gives a newer reading. The same ids as
    /// [`Engine::finish`] gives at the same point.
    pub fn blind_spots(&self) -> Vec<Finding> {
        self.engine.blind_spot_findings()
    }

    /// Groups findings of one or more identities into incidents as [`Engine::finish`] does,
    /// filling each finding's incident, risk score and remediation.
    pub fn group(&self, findings: &mut [Finding]) -> Vec<Incident> {
        self.engine.group(findings)
    }

    /// The highest store sequence number pushed (0 before any).
    pub fn cursor(&self) -> i64 {
        self.cursor
    }

    /// Events waiting in the reorder buffer.
    pub fn buffered(&self) -> usize {
        self.buffer.len()
    }

    /// Late events seen so far.
    pub fn late(&self) -> u64 {
        self.late
    }

    /// How long events may arrive out of order.
    pub fn lateness(&self) -> std::time::Duration {
        self.lateness
    }

    /// The engine, to read detection state.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Everything needed to resume: the engine's state, the buffered events with their
    /// sequence numbers, the cursor and the counters, after a versioned header.
    pub fn snapshot(&self) -> Result<Vec<u8>, StreamError> {
        let mut buffered: Vec<(i64, &Event)> = self.buffer.iter().map(|p| (p.seq, &p.event)).collect();
        buffered.sort_unstable_by(|a, b| order::compare(a.1, b.1).then(a.0.cmp(&b.0)));
        let saved = Saved {
            lateness: self.lateness,
            cursor: self.cursor,
            late: self.late,
            newest: self.newest,
            processed: self.processed.as_ref(),
            buffered,
            engine: self.engine.saved(),
        };
        let mut out = Vec::with_capacity(1 << 16);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&SNAPSHOT_VERSION.to_le_bytes());
        serde_json::to_writer(&mut out, &saved).map_err(StreamError::Write)?;
        Ok(out)
    }

    /// The stream a snapshot was taken of, with the lists and GeoIP databases of `config`
    /// (they are not in the snapshot; the lateness is). It has no enrollment gate: give it
    /// its gate again with [`Stream::with_gate`].
    pub fn restore(config: &Config, bytes: &[u8]) -> Result<Stream, StreamError> {
        let (magic, rest) = bytes.split_at_checked(MAGIC.len()).ok_or(StreamError::NotASnapshot)?;
        if magic != MAGIC {
            return Err(StreamError::NotASnapshot);
        }
        let (version, body) = rest.split_first_chunk::<4>().ok_or(StreamError::Damaged(None))?;
        let found = u32::from_le_bytes(*version);
        if !(OLDEST_READABLE_VERSION..=SNAPSHOT_VERSION).contains(&found) {
            return Err(StreamError::UnknownVersion { found });
        }
        let loaded: Loaded = serde_json::from_slice(body).map_err(|e| StreamError::Damaged(Some(e)))?;
        Ok(Stream {
            engine: Engine::load(config, loaded.engine)?,
            lateness: loaded.lateness,
            buffer: loaded.buffered.into_iter().map(|(seq, event)| Pending { seq, event }).collect(),
            newest: loaded.newest,
            processed: loaded.processed,
            cursor: loaded.cursor,
            late: loaded.late,
        })
    }
}
