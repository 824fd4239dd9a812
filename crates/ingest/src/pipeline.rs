//! Runs sources through normalization on every core: records are read in batches on one
//! thread while the previous batch is normalized in parallel, and events come out in input
//! order, de-duplicated, to the caller's sink.

use crate::collapse::Collapser;
use crate::context::Options;
use crate::error::Diagnostic;
use crate::framing::RawRecord;
use crate::observe::{NoObserver, RecordObserver};
use crate::reader::{Input, SourceReader};
use crate::record::normalize_record_observed;
use crate::tally::Tally;
use model::{Event, SourceRef};
use rayon::prelude::*;
use std::sync::Arc;

/// Records per batch: large enough to keep both cores busy, small enough to bound memory.
const BATCH_RECORDS: usize = 4096;
/// Records one worker normalizes in a go.
const CHUNK_RECORDS: usize = 256;

/// A normalization run's settings and its de-duplication memory, kept across calls to
/// [`Pipeline::run`] so that a repeat in a later input is still dropped.
pub struct Pipeline {
    opts: Options,
    collapser: Collapser,
}

impl Pipeline {
    /// A pipeline with `opts` and nothing seen yet.
    pub fn new(mut opts: Options) -> Pipeline {
        opts.start_clock(chrono::Utc::now());
        Pipeline { opts, collapser: Collapser::default() }
    }

    /// Normalizes every input in order, passing each new event to `sink`. Returns what was
    /// read; problems are in the tally's diagnostics, in source and line order.
    pub fn run(&mut self, inputs: Vec<Input>, sink: &mut dyn FnMut(Event)) -> Tally {
        self.run_observed(inputs, &NoObserver, sink, &mut |_| {})
    }

    /// [`Pipeline::run`], with `observer` shown each recognized record; its hits go to
    /// `hit_sink` in input order, each after the events of its batch chunk.
    pub fn run_observed<O: RecordObserver>(
        &mut self,
        inputs: Vec<Input>,
        observer: &O,
        sink: &mut dyn FnMut(Event),
        hit_sink: &mut dyn FnMut(O::Hit),
    ) -> Tally {
        let mut tally = Tally::default();
        for input in inputs {
            tally.sources += 1;
            let before = tally.recognized();
            let name = input.name();
            match SourceReader::open(input, &self.opts) {
                Ok(mut source) => self.run_source(&mut source, observer, &mut tally, sink, hit_sink),
                Err(problem) => tally.record_error(problem),
            }
            let recognized = tally.recognized() - before;
            *tally.recognized_by_source.entry(name).or_default() += recognized;
        }
        tally
    }

    fn run_source<O: RecordObserver>(
        &mut self,
        source: &mut SourceReader,
        observer: &O,
        tally: &mut Tally,
        sink: &mut dyn FnMut(Event),
        hit_sink: &mut dyn FnMut(O::Hit),
    ) {
        let name = source.name.clone();
        let first_diag = tally.diagnostics.len();
        let mut batch = read_batch(source, tally);
        while !batch.is_empty() {
            let opts = &self.opts;
            let (next, results) = rayon::join(
                || {
                    let mut read_tally = Tally::default();
                    let next = read_batch(source, &mut read_tally);
                    (next, read_tally)
                },
                || normalize_batch(&mut batch, &name, opts, observer),
            );
            for (events, chunk_tally, hits) in results {
                tally.merge(chunk_tally);
                for event in events {
                    if self.opts.keep_duplicates || self.collapser.admit(&event) {
                        sink(event);
                    } else {
                        tally.duplicates += 1;
                        tally.uncount_event(&event);
                    }
                }
                hits.into_iter().for_each(&mut *hit_sink);
            }
            let (next_batch, read_tally) = next;
            tally.merge(read_tally);
            batch = next_batch;
        }
        // Read problems (long lines) and record problems were found on different threads.
        if let Some(diags) = tally.diagnostics.get_mut(first_diag..) {
            diags.sort_by_key(|d| (d.at.line, d.at.index));
        }
    }
}

fn read_batch(source: &mut SourceReader, tally: &mut Tally) -> Vec<RawRecord> {
    let mut batch = Vec::with_capacity(BATCH_RECORDS);
    while batch.len() < BATCH_RECORDS {
        match source.next_record() {
            Some(Ok(rec)) => batch.push(rec),
            Some(Err(problem)) => record_problem(tally, problem),
            None => break,
        }
    }
    batch
}

fn record_problem(tally: &mut Tally, problem: Diagnostic) {
    tally.records += 1;
    tally.record_error(problem);
}

type ChunkResult<H> = (Vec<Event>, Tally, Vec<H>);

fn normalize_batch<O: RecordObserver>(
    batch: &mut [RawRecord],
    name: &Arc<str>,
    opts: &Options,
    observer: &O,
) -> Vec<ChunkResult<O::Hit>> {
    batch
        .par_chunks_mut(CHUNK_RECORDS)
        .map(|chunk| {
            let mut events = Vec::with_capacity(chunk.len());
            let mut hits = Vec::new();
            let mut tally = Tally::default();
            for rec in chunk {
                let at = SourceRef { source: name.clone(), line: rec.line, index: rec.index };
                normalize_record_observed(&mut rec.bytes, &at, opts, observer, &mut events, &mut hits, &mut tally);
            }
            (events, tally, hits)
        })
        .collect()
}
