//! A second reader of each raw record beside its provider normalizer (Sigma rules): it sees
//! the record already parsed, so nothing is parsed twice, and what it finds comes out of the
//! pipeline in input order with the events.

use crate::json::View;
use crate::shape::Shape;
use model::{Event, SourceRef};

/// Looks at every recognized record after normalization, on the worker threads.
pub trait RecordObserver: Sync {
    /// What the observer reports about a record (a rule match).
    type Hit: Send;

    /// `events` are what the record normalized to: none when it is not about identity.
    /// Records that could not be read are not observed.
    fn observe(&self, shape: Shape, rec: View<'_, '_>, at: &SourceRef, events: &[Event], hits: &mut Vec<Self::Hit>);
}

/// Observes nothing: plain normalization.
pub struct NoObserver;

impl RecordObserver for NoObserver {
    type Hit = ();

    fn observe(&self, _: Shape, _: View<'_, '_>, _: &SourceRef, _: &[Event], _: &mut Vec<()>) {}
}
