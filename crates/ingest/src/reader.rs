//! Where bytes come from: files, directories (recursive), gzip (by magic bytes, not by
//! name), stdin, memory, or a caller's reader (a request body as it arrives). Each source yields raw records or one clear
//! diagnostic per problem, never a panic.

use crate::context::Options;
use crate::error::{Diagnostic, RecordError};
use crate::framing::{self, Line, Mode, RawRecord};
use flate2::read::MultiGzDecoder;
use memchr::memchr;
use model::SourceRef;
use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
/// How much of a source is read before its framing is judged (and its read buffer's size).
const HEAD_BYTES: usize = 256 * 1024;
/// How much of a source is inspected to tell binary data from text.
const SNIFF_BYTES: usize = 8192;
/// File name endings read when walking a directory.
const LOG_EXTENSIONS: [&str; 5] = [".json", ".ndjson", ".jsonl", ".log", ".gz"];

/// One source of records.
pub enum Input {
    /// A file.
    Path(PathBuf),
    /// The process's standard input.
    Stdin,
    /// Bytes already in memory (a request body), with the name pointers use.
    Memory {
        /// The source name in pointers and diagnostics.
        name: String,
        /// The raw bytes, possibly gzipped.
        bytes: Vec<u8>,
    },
    /// Bytes read as they come (a request body streamed from the network), with the name
    /// pointers use. Lines are read one by one; an array or document is held whole up to
    /// `max_document_bytes`. A read error ends the source with a diagnostic.
    Reader {
        /// The source name in pointers and diagnostics.
        name: String,
        /// The raw bytes, possibly gzipped.
        reader: Box<dyn Read + Send>,
    },
}

impl std::fmt::Debug for Input {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Input::Path(path) => f.debug_tuple("Path").field(path).finish(),
            Input::Stdin => f.write_str("Stdin"),
            Input::Memory { name, bytes } => {
                f.debug_struct("Memory").field("name", name).field("bytes", &bytes.len()).finish()
            }
            Input::Reader { name, .. } => f.debug_struct("Reader").field("name", name).finish_non_exhaustive(),
        }
    }
}

impl Input {
    /// The name pointers and diagnostics use for this source.
    pub fn name(&self) -> Arc<str> {
        match self {
            Input::Path(p) => Arc::from(p.to_string_lossy().as_ref()),
            Input::Stdin => Arc::from("<stdin>"),
            Input::Memory { name, .. } | Input::Reader { name, .. } => Arc::from(name.as_str()),
        }
    }
}

/// Turns command-line paths into sources: `-` is stdin, directories are walked in name
/// order for log files, anything else is read as given. Unreadable paths are diagnostics.
pub fn expand_paths(paths: &[PathBuf]) -> (Vec<Input>, Vec<Diagnostic>) {
    let mut inputs = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(Input::Stdin);
        } else if path.is_dir() {
            walk(path, &mut inputs, &mut problems);
        } else if path.exists() {
            inputs.push(Input::Path(path.clone()));
        } else {
            problems.push(source_problem(
                Arc::from(path.to_string_lossy().as_ref()),
                1,
                io_error("cannot open", io::Error::new(io::ErrorKind::NotFound, "no such file or directory")),
            ));
        }
    }
    (inputs, problems)
}

fn walk(dir: &Path, inputs: &mut Vec<Input>, problems: &mut Vec<Diagnostic>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            problems.push(source_problem(Arc::from(dir.to_string_lossy().as_ref()), 1, io_error("cannot list", e)));
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        if name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            walk(&path, inputs, problems);
        } else if LOG_EXTENSIONS.iter().any(|ext| name.to_ascii_lowercase().ends_with(ext)) {
            inputs.push(Input::Path(path));
        }
    }
}

/// `reader` with its first [`HEAD_BYTES`] (or all of it, if shorter) already read, so that
/// the first `fill_buf` shows them all: a file gives that much in one read, but a network
/// body may come a few bytes at a time, and framing is judged on the head.
/// A failure after some bytes came is kept for the read that follows them, so that the
/// records before it are still read.
fn read_ahead(mut reader: Box<dyn Read + Send>) -> io::Result<Box<dyn Read + Send>> {
    let mut head = Vec::new();
    match (&mut reader).take(HEAD_BYTES as u64).read_to_end(&mut head) {
        Ok(_) => Ok(Box::new(io::Cursor::new(head).chain(reader))),
        Err(e) if head.is_empty() => Err(e),
        Err(e) => Ok(Box::new(io::Cursor::new(head).chain(Failed(Some(e))))),
    }
}

/// A reader whose next read fails with the error it holds (and then ends).
struct Failed(Option<io::Error>);

impl Read for Failed {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        self.0.take().map_or(Ok(0), Err)
    }
}

fn io_error(what: &'static str, source: io::Error) -> RecordError {
    RecordError::Io { what, source: source.into() }
}

fn source_problem(source: Arc<str>, line: u64, error: RecordError) -> Diagnostic {
    Diagnostic { at: SourceRef::new(source, line), error }
}

/// Raw records of one source, in order.
pub struct SourceReader {
    pub name: Arc<str>,
    reader: Box<dyn BufRead + Send>,
    mode: Mode,
    gzip: bool,
    /// The line the next record starts on (lines mode).
    line: u64,
    /// Records split from a whole document (array and document modes).
    queued: VecDeque<RawRecord>,
    max_record: u64,
    done: bool,
}

impl SourceReader {
    /// Opens a source and decides its framing, or says why it cannot be read.
    pub fn open(input: Input, opts: &Options) -> Result<SourceReader, Diagnostic> {
        let name = input.name();
        let problem = |error| source_problem(name.clone(), 1, error);
        let raw: Box<dyn Read + Send> = match input {
            Input::Path(path) => Box::new(File::open(&path).map_err(|e| problem(io_error("cannot open", e)))?),
            Input::Stdin => Box::new(io::stdin()),
            Input::Memory { bytes, .. } => Box::new(io::Cursor::new(bytes)),
            Input::Reader { reader, .. } => reader,
        };
        let raw = read_ahead(raw).map_err(|e| problem(io_error("read failed", e)))?;
        let mut reader: Box<dyn BufRead + Send> = Box::new(BufReader::with_capacity(HEAD_BYTES, raw));
        let head = reader.fill_buf().map_err(|e| problem(io_error("read failed", e)))?;
        let gzip = head.starts_with(&GZIP_MAGIC);
        if gzip {
            let decoded = read_ahead(Box::new(MultiGzDecoder::new(reader)))
                .map_err(|e| problem(io_error("gzip data is corrupt", e)))?;
            reader = Box::new(BufReader::with_capacity(HEAD_BYTES, decoded));
        }
        let head = reader
            .fill_buf()
            .map_err(|e| problem(io_error(if gzip { "gzip data is corrupt" } else { "read failed" }, e)))?;
        if framing::skip_bom_and_space(head).is_empty() && head.len() < 4096 {
            return Err(problem(RecordError::Empty));
        }
        let sniffed = head.get(..SNIFF_BYTES.min(head.len())).unwrap_or_default();
        if let Some(offset) = memchr(0, sniffed) {
            let line = 1 + sniffed.iter().take(offset).filter(|&&b| b == b'\n').count() as u64;
            return Err(source_problem(name, line, RecordError::Binary { offset: offset as u64 }));
        }
        let mode = framing::sniff(head);
        let mut source = SourceReader {
            name,
            reader,
            mode,
            gzip,
            line: 1,
            queued: VecDeque::new(),
            max_record: opts.max_record_bytes,
            done: false,
        };
        if mode != Mode::Lines {
            source.load_document(opts.max_document_bytes)?;
        }
        Ok(source)
    }

    fn read_error(&self, e: io::Error) -> RecordError {
        io_error(if self.gzip { "gzip data is corrupt" } else { "read failed" }, e)
    }

    /// Reads a whole array or pretty-printed document and queues its records.
    fn load_document(&mut self, limit: u64) -> Result<(), Diagnostic> {
        let mut doc = Vec::new();
        let read = (&mut self.reader).take(limit + 1).read_to_end(&mut doc);
        if let Err(e) = read {
            return Err(source_problem(self.name.clone(), 1, self.read_error(e)));
        }
        if doc.len() as u64 > limit {
            let error = RecordError::TooLarge { size: doc.len() as u64, limit };
            return Err(source_problem(self.name.clone(), 1, error));
        }
        self.done = true;
        if self.mode == Mode::Document {
            self.queued.push_back(RawRecord { bytes: doc, line: 1, index: None });
            return Ok(());
        }
        let parts =
            framing::split_array(&doc).map_err(|(line, error)| source_problem(self.name.clone(), line, error))?;
        for (i, (range, line)) in parts.into_iter().enumerate() {
            let bytes = doc.get(range).unwrap_or_default().to_vec();
            let index = u32::try_from(i).ok();
            self.queued.push_back(RawRecord { bytes, line, index });
        }
        Ok(())
    }

    /// The next record, a diagnostic for a record that could not be read, or `None` at the
    /// end. After a read error the source ends.
    pub fn next_record(&mut self) -> Option<Result<RawRecord, Diagnostic>> {
        if let Some(rec) = self.queued.pop_front() {
            if rec.bytes.len() as u64 > self.max_record {
                let error = RecordError::TooLarge { size: rec.bytes.len() as u64, limit: self.max_record };
                let at = SourceRef { source: self.name.clone(), line: rec.line, index: rec.index };
                return Some(Err(Diagnostic { at, error }));
            }
            return Some(Ok(rec));
        }
        loop {
            if self.done {
                return None;
            }
            let line = self.line;
            let mut buf = Vec::new();
            match framing::read_line_bounded(self.reader.as_mut(), &mut buf, self.max_record) {
                Ok(Line::End) => {
                    self.done = true;
                    return None;
                }
                Ok(Line::TooLong(size)) => {
                    self.line += 1;
                    let error = RecordError::TooLarge { size, limit: self.max_record };
                    return Some(Err(source_problem(self.name.clone(), line, error)));
                }
                Ok(Line::Read) => {
                    self.line += 1;
                    if buf.iter().all(|b| b.is_ascii_whitespace()) {
                        continue;
                    }
                    return Some(Ok(RawRecord { bytes: buf, line, index: None }));
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(source_problem(self.name.clone(), line, self.read_error(e))));
                }
            }
        }
    }
}
