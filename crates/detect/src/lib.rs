//! Per-identity state and the detectors of docs/detection-contract.md §5 (FW-001 to FW-012).
//!
//! Events go in in event-time order ([`Engine::process`]); [`Engine::finish`] runs the
//! checks that wait on a timer, reports blind spots, groups findings into incidents with
//! risk scores and remediation plans, and returns them. [`Stream`] runs the same engine
//! behind a reorder buffer for `serve`, with snapshots to resume after a crash, and
//! [`Regrouper`] keeps `serve`'s incidents grouped as a hunt groups them; views such as
//! [`IdentityView`] show its state. Detectors never parse JSON: they read [`model::Event`]s and identity
//! state.

#![warn(missing_docs)]

pub mod order;
pub mod output;
pub mod stream;

mod adopt;
mod config;
mod detector;
mod detectors;
mod egress;
mod engine;
mod finding;
mod gate;
mod geo;
mod incident;
mod mappings;
mod observed_tier;
mod persist;
mod prior;
mod regroup;
mod remediation;
mod risk;
mod seen_in_use;
mod state;
mod views;

pub use config::{Config, ConfigError};
pub use egress::LearnedNetwork;
pub use engine::Engine;
pub use finding::stable_id;
pub use gate::EnrollmentGate;
pub use regroup::{Earlier, History, Regrouped, Regrouper};
pub use risk::RiskCause;
pub use state::{FactorOrigin, IdentityKey};
pub use stream::{Stream, StreamError};
pub use views::{IdentitySummary, IdentityView, SourceCoverage};

use chrono::{DateTime, Utc};
use model::{Finding, Incident};

/// What a hunt found: incidents by risk (highest first), and their findings.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Incidents by risk, highest first.
    pub incidents: Vec<Incident>,
    /// Findings in incident order (by incident risk, then time).
    pub findings: Vec<Finding>,
    /// Events read.
    pub events: u64,
    /// The earliest event time read.
    pub first: Option<DateTime<Utc>>,
    /// The latest event time read.
    pub last: Option<DateTime<Utc>>,
    /// The identity graph as it stands after the run, with the edges learned from events.
    pub graph: graph::Graph,
    /// Shared egress learned from the sign-ins (`[networks.learned_egress]`), by network.
    pub learned_egress: Vec<LearnedNetwork>,
}

impl Engine {
    /// Ends the run: evaluates pending checks and blind spots, groups incidents, and
    /// writes each incident's remediation plan into it and its findings.
    pub fn finish(mut self) -> Report {
        self.run_all_checks();
        self.blind_spots();
        let mut findings = std::mem::take(&mut self.findings);
        let incidents = self.group(&mut findings);
        let learned_egress = self.learned_egress();
        Report {
            incidents,
            findings,
            events: self.events,
            first: self.first,
            last: self.last,
            graph: self.graph,
            learned_egress,
        }
    }

    /// Shared egress learned from the sign-ins so far, by network.
    pub fn learned_egress(&self) -> Vec<LearnedNetwork> {
        self.egress.learned(&self.config.networks.learned_egress)
    }

    /// Groups findings (of one identity or many) into incidents, fills each finding's
    /// incident and risk score, and writes each incident's remediation plan, from the
    /// identities' state as it stands now, into it and its findings. Both are ordered by
    /// risk, highest first.
    pub fn group(&self, findings: &mut [Finding]) -> Vec<Incident> {
        let window = chrono::Duration::from_std(self.config.incidents.window).unwrap_or(chrono::Duration::hours(24));
        let mut incidents = incident::group(findings, window);
        for inc in &mut incidents {
            let key = state::IdentityKey {
                provider: inc.identity.provider,
                tenant: inc.identity.tenant.clone(),
                id: inc.identity.id.clone(),
            };
            inc.remediation = remediation::plan(&inc.identity, inc.first, self.identities.get(&key));
        }
        let plans: std::collections::HashMap<&str, &Vec<model::RemediationStep>> =
            incidents.iter().map(|i| (i.id.as_str(), &i.remediation)).collect();
        for f in findings.iter_mut() {
            if let Some(plan) = plans.get(f.incident.as_str()) {
                f.remediation = (*plan).clone();
            }
        }
        incidents
    }
}
