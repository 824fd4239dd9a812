//! Puts events in event-time order with memory bounded by a run size, not by the input:
//! an external merge sort. Events are buffered; when the buffer holds a run's worth it is
//! sorted and spilled to an anonymous temporary file as JSON lines, and [`EventSorter::finish`]
//! merges the runs (and what is still buffered) through a heap.
//!
//! The order is total and deterministic: time, then provider, tenant, event id, category,
//! action and raw-record pointer, so the same events in any input order come out in the
//! same sequence, and the engine gives the same findings.

use model::Event;
use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Seek, SeekFrom, Write};
use std::path::PathBuf;

/// Events held in memory before a run is spilled (about 100 MB of events at most).
pub const DEFAULT_RUN_EVENTS: usize = 200_000;
/// Runs merged at once; past this many, runs are first merged into one to bound open files.
const MAX_OPEN_RUNS: usize = 64;

/// Why events could not be sorted.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SortError {
    /// A temporary file could not be written or read.
    #[error("sorting events: temporary file")]
    Io(#[from] io::Error),
    /// A temporary file holds a line that is not an event.
    #[error("sorting events: temporary file holds a line that is not an event")]
    Corrupt(#[source] serde_json::Error),
}

/// The order events are processed in.
pub fn compare(a: &Event, b: &Event) -> Ordering {
    a.time
        .cmp(&b.time)
        .then_with(|| a.provider.cmp(&b.provider))
        .then_with(|| a.tenant.cmp(&b.tenant))
        .then_with(|| a.id.cmp(&b.id))
        .then_with(|| a.category.cmp(&b.category))
        .then_with(|| a.action.cmp(&b.action))
        .then_with(|| a.source.source.cmp(&b.source.source))
        .then_with(|| a.source.line.cmp(&b.source.line))
        .then_with(|| a.source.index.cmp(&b.source.index))
}

/// Collects events in any order and gives them back in [`compare`] order.
pub struct EventSorter {
    run_events: usize,
    temp_dir: Option<PathBuf>,
    buffer: Vec<Event>,
    runs: Vec<File>,
    spilled: usize,
    len: u64,
}

impl Default for EventSorter {
    fn default() -> EventSorter {
        EventSorter::new(DEFAULT_RUN_EVENTS)
    }
}

impl EventSorter {
    /// A sorter that keeps at most `run_events` events in memory (at least 1).
    pub fn new(run_events: usize) -> EventSorter {
        EventSorter {
            run_events: run_events.max(1),
            temp_dir: None,
            buffer: Vec::new(),
            runs: Vec::new(),
            spilled: 0,
            len: 0,
        }
    }

    /// Spill runs into `dir` instead of the system's temporary directory.
    pub fn with_temp_dir(mut self, dir: PathBuf) -> EventSorter {
        self.temp_dir = Some(dir);
        self
    }

    /// Adds an event, spilling a sorted run to disk when the buffer is full.
    pub fn push(&mut self, event: Event) -> Result<(), SortError> {
        self.buffer.push(event);
        self.len += 1;
        if self.buffer.len() >= self.run_events {
            self.spill()?;
        }
        Ok(())
    }

    /// Events pushed so far.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// No event pushed yet.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Runs written to temporary files so far (0 when everything fit in memory).
    pub fn spilled_runs(&self) -> usize {
        self.spilled
    }

    /// Every event pushed, in order. Temporary files are removed when the iterator drops.
    pub fn finish(mut self) -> Result<Sorted, SortError> {
        self.buffer.sort_by(compare);
        let memory = std::mem::take(&mut self.buffer).into_iter();
        Merge::new(std::mem::take(&mut self.runs), Some(memory)).map(|merge| Sorted { merge, len: self.len })
    }

    fn spill(&mut self) -> Result<(), SortError> {
        self.buffer.sort_by(compare);
        let events = std::mem::take(&mut self.buffer);
        let file = self.write_run(events.into_iter().map(Ok))?;
        self.runs.push(file);
        self.spilled += 1;
        if self.runs.len() >= MAX_OPEN_RUNS {
            let merge = Merge::new(std::mem::take(&mut self.runs), None)?;
            let file = self.write_run(merge)?;
            self.runs.push(file);
        }
        Ok(())
    }

    fn write_run(&self, events: impl Iterator<Item = Result<Event, SortError>>) -> Result<File, SortError> {
        let file = match &self.temp_dir {
            Some(dir) => tempfile::tempfile_in(dir)?,
            None => tempfile::tempfile()?,
        };
        let mut out = BufWriter::with_capacity(1 << 16, file);
        for event in events {
            serde_json::to_writer(&mut out, &event?).map_err(io::Error::from)?;
            out.write_all(b"\n")?;
        }
        let mut file = out.into_inner().map_err(|e| e.into_error())?;
        file.seek(SeekFrom::Start(0))?;
        Ok(file)
    }
}

/// The sorted events: an iterator that reads spilled runs as it goes.
pub struct Sorted {
    merge: Merge,
    len: u64,
}

impl Sorted {
    /// How many events the iterator yields in all.
    pub fn total(&self) -> u64 {
        self.len
    }
}

impl Iterator for Sorted {
    type Item = Result<Event, SortError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.merge.next()
    }
}

enum Run {
    Memory(std::vec::IntoIter<Event>),
    File { lines: BufReader<File>, line: String },
}

impl Run {
    fn next(&mut self) -> Option<Result<Event, SortError>> {
        match self {
            Run::Memory(events) => events.next().map(Ok),
            Run::File { lines, line } => {
                line.clear();
                match lines.read_line(line) {
                    Ok(0) => None,
                    Ok(_) => Some(serde_json::from_str(line).map_err(SortError::Corrupt)),
                    Err(e) => Some(Err(SortError::Io(e))),
                }
            }
        }
    }
}

/// The smallest head of every run; ties go to the earlier run, so merging is stable.
struct Head {
    event: Event,
    run: usize,
}

impl PartialEq for Head {
    fn eq(&self, other: &Head) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Head {}

impl PartialOrd for Head {
    fn partial_cmp(&self, other: &Head) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Head {
    // Reversed: `BinaryHeap` pops its greatest element, the merge wants the least.
    fn cmp(&self, other: &Head) -> Ordering {
        compare(&other.event, &self.event).then_with(|| other.run.cmp(&self.run))
    }
}

struct Merge {
    runs: Vec<Run>,
    heap: BinaryHeap<Head>,
    failed: Option<SortError>,
}

impl Merge {
    fn new(files: Vec<File>, memory: Option<std::vec::IntoIter<Event>>) -> Result<Merge, SortError> {
        let mut runs: Vec<Run> = files
            .into_iter()
            .map(|file| Run::File { lines: BufReader::with_capacity(1 << 16, file), line: String::new() })
            .collect();
        runs.extend(memory.map(Run::Memory));
        let mut heap = BinaryHeap::with_capacity(runs.len());
        for (run, source) in runs.iter_mut().enumerate() {
            if let Some(event) = source.next().transpose()? {
                heap.push(Head { event, run });
            }
        }
        Ok(Merge { runs, heap, failed: None })
    }
}

impl Iterator for Merge {
    type Item = Result<Event, SortError>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(error) = self.failed.take() {
            self.heap.clear();
            return Some(Err(error));
        }
        let Head { event, run } = self.heap.pop()?;
        match self.runs.get_mut(run).and_then(Run::next) {
            Some(Ok(next)) => self.heap.push(Head { event: next, run }),
            Some(Err(error)) => self.failed = Some(error),
            None => {}
        }
        Some(Ok(event))
    }
}
