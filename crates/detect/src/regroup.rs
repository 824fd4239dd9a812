//! Incidents kept current while findings arrive (`serve`). Each batch of new findings, and
//! each new reading of the blind spots, regroups the incidents of the identities it
//! touches with the grouping a hunt uses ([`Engine::group`]), over every finding the
//! identity has, including those stored before a restart. What to write comes back as one
//! [`Regrouped`]: the regrouped findings, the blind spots that no longer hold, the incidents
//! as they now stand and the ids of those that no longer exist.
//!
//! Regrouping runs in two steps so that the service never reads its store while holding the
//! detection state: [`Regrouper::learn`] takes the findings (and loads what the store knows
//! of identities seen for the first time), [`Regrouper::regroup`] groups them.

use crate::engine::Engine;
use crate::state::IdentityKey;
use model::{Finding, Incident};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What the store already holds for one identity.
#[derive(Debug, Clone, Default)]
pub struct Earlier {
    /// The identity's stored findings.
    pub findings: Vec<Finding>,
    /// The ids of the identity's stored incidents.
    pub incidents: Vec<String>,
}

/// Where a regrouper reads what was detected before it started (after a restart, the
/// service's store). Asked once per identity, the first time the identity is touched.
pub trait History {
    /// Why the history could not be read.
    type Error;
    /// The findings and incident ids stored for `identity` (none for an identity never seen).
    fn earlier(&mut self, identity: &IdentityKey) -> Result<Earlier, Self::Error>;
}

/// The writes one regrouping asks for.
#[derive(Debug, Clone, Default)]
pub struct Regrouped {
    /// Every finding of the touched identities, with its incident, risk and remediation.
    pub findings: Vec<Finding>,
    /// Blind-spot findings (FW-011) that the newest reading no longer holds.
    pub retracted: Vec<String>,
    /// The incidents of the touched identities as they now stand.
    pub incidents: Vec<Incident>,
    /// Incidents written before that the regrouping no longer forms.
    pub dropped: Vec<String>,
}

impl Regrouped {
    /// Nothing to write.
    pub fn is_empty(&self) -> bool {
        self.findings.is_empty() && self.retracted.is_empty() && self.incidents.is_empty() && self.dropped.is_empty()
    }
}

/// Findings taken in by [`Regrouper::learn`], to be grouped by [`Regrouper::regroup`].
#[derive(Debug, Default)]
#[must_use = "the learned findings are grouped only by `Regrouper::regroup`"]
pub struct Learned {
    touched: BTreeSet<IdentityKey>,
    retracted: Vec<String>,
}

/// What the regrouper remembers between batches: each identity's findings, the incidents
/// last written for it, and the blind spots as last written.
#[derive(Debug, Default)]
pub struct Regrouper {
    findings: HashMap<IdentityKey, BTreeMap<String, Finding>>,
    incidents: HashMap<IdentityKey, BTreeSet<String>>,
    /// The blind-spot findings as last written (each reading replaces them).
    blind_spots: BTreeMap<String, IdentityKey>,
}

/// The identity a finding is about.
pub fn identity_of(finding: &Finding) -> IdentityKey {
    IdentityKey {
        provider: finding.identity.provider,
        tenant: finding.identity.tenant.clone(),
        id: finding.identity.id.clone(),
    }
}

/// Whether a blind-spot finding is one of a reading ([`crate::Stream::blind_spots`]): those
/// are about a source's silence and cite no event.
fn is_reading(finding: &Finding) -> bool {
    finding.evidence.is_empty()
}

impl Regrouper {
    /// A regrouper that knows the blind-spot findings already written (from the store after
    /// a restart), so that a later reading without them retracts them. Give it every stored
    /// FW-011 finding: only those of a reading (no evidence) are kept. An FW-011 with
    /// evidence (audit log streaming removed) comes from an event, not from a reading, so no
    /// reading holds it and none may retract it.
    pub fn new(written_blind_spots: impl IntoIterator<Item = Finding>) -> Regrouper {
        let blind_spots =
            written_blind_spots.into_iter().filter(is_reading).map(|f| (f.id.clone(), identity_of(&f))).collect();
        Regrouper { blind_spots, ..Regrouper::default() }
    }

    /// Takes in `new` findings and, when given, a new reading of the blind spots (which
    /// replaces the last one: blind spots no longer in it are retracted). Identities seen
    /// for the first time get their earlier findings from `history`.
    pub fn learn<H: History>(
        &mut self,
        new: Vec<Finding>,
        blind_spots: Option<Vec<Finding>>,
        history: &mut H,
    ) -> Result<Learned, H::Error> {
        let mut touched: BTreeSet<IdentityKey> = new.iter().map(identity_of).collect();
        let mut retracted = Vec::new();
        if let Some(reading) = &blind_spots {
            let current: BTreeMap<String, IdentityKey> =
                reading.iter().map(|f| (f.id.clone(), identity_of(f))).collect();
            for (id, key) in std::mem::take(&mut self.blind_spots) {
                if !current.contains_key(&id) {
                    retracted.push(id);
                    touched.insert(key);
                }
            }
            touched.extend(current.values().cloned());
            self.blind_spots = current;
        }
        for key in &touched {
            self.load(key, history)?;
        }
        for list in self.findings.values_mut() {
            for id in &retracted {
                list.remove(id);
            }
        }
        for f in new.into_iter().chain(blind_spots.into_iter().flatten()) {
            self.findings.entry(identity_of(&f)).or_default().insert(f.id.clone(), f);
        }
        Ok(Learned { touched, retracted })
    }

    /// Regroups the incidents of every identity the learned findings touch, as `engine`
    /// groups a hunt's findings.
    pub fn regroup(&mut self, learned: Learned, engine: &Engine) -> Regrouped {
        let mut out = Regrouped { retracted: learned.retracted, ..Regrouped::default() };
        for key in &learned.touched {
            let mut list: Vec<Finding> =
                self.findings.get(key).map(|m| m.values().cloned().collect()).unwrap_or_default();
            let grouped = engine.group(&mut list);
            let now: BTreeSet<String> = grouped.iter().map(|i| i.id.clone()).collect();
            let before = self.incidents.insert(key.clone(), now.clone()).unwrap_or_default();
            out.dropped.extend(before.difference(&now).cloned());
            out.incidents.extend(grouped);
            out.findings.extend(list);
        }
        out
    }

    /// Loads the identity's earlier findings and incidents the first time it is touched.
    fn load<H: History>(&mut self, key: &IdentityKey, history: &mut H) -> Result<(), H::Error> {
        if self.findings.contains_key(key) {
            return Ok(());
        }
        let earlier = history.earlier(key)?;
        self.findings.insert(key.clone(), earlier.findings.into_iter().map(|f| (f.id.clone(), f)).collect());
        self.incidents.insert(key.clone(), earlier.incidents.into_iter().collect());
        Ok(())
    }
}
