//! Sinks: where findings go (written by the sinks work).
