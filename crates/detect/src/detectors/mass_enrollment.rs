//! FW-010: one source IP (or device, or optionally ASN) binds factors to several distinct
//! identities within a window. Help-desk egress networks are expected to do this.

use super::Scope;
use crate::detector::{Detector, Draft};
use crate::state::IdentityKey;
use chrono::{DateTime, Utc};
use model::{ActorRelation, Evidence, Severity, Text};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet, VecDeque};

/// Most bindings remembered per source.
const MAX_PER_SOURCE: usize = 256;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
enum SourceKey {
    Ip(std::net::IpAddr),
    Device(Text),
    Asn(u32),
}

impl SourceKey {
    fn describe(&self) -> String {
        match self {
            SourceKey::Ip(ip) => format!("IP {ip}"),
            SourceKey::Device(d) => format!("device {d}"),
            SourceKey::Asn(a) => format!("network AS{a}"),
        }
    }
}

#[derive(Default, Serialize, Deserialize)]
struct Bindings {
    recent: VecDeque<(DateTime<Utc>, IdentityKey, Evidence)>,
    /// Identities already reported for the bindings still in `recent`; forgotten with them,
    /// so that a later wave from the same source is a finding of its own.
    #[serde(with = "crate::persist::sorted_set")]
    reported: HashSet<IdentityKey>,
}

/// Bindings per source, across identities.
#[derive(Default, Serialize, Deserialize)]
pub struct MassEnrollment {
    #[serde(with = "crate::persist::sorted_pairs")]
    by_source: HashMap<SourceKey, Bindings>,
}

impl MassEnrollment {
    /// Records a binding; returns a finding for each identity newly part of a mass binding.
    pub fn on_binding(&mut self, s: &Scope<'_>, identity: &IdentityKey) -> Vec<(IdentityKey, Draft)> {
        let settings = &s.config.detectors.mass_enrollment;
        let client = &s.event.client;
        // The provider's own machinery (Microsoft service-initiated registrations, Okta
        // system) binding factors for many users is bookkeeping, not one attacker's source.
        if s.lists.is_helpdesk(client.ip) || s.event.relation == ActorRelation::System {
            return Vec::new();
        }
        let Ok(window) = chrono::Duration::from_std(settings.window) else { return Vec::new() };
        let mut sources = Vec::new();
        sources.extend(client.ip.map(SourceKey::Ip));
        sources.extend(client.device_id.clone().map(SourceKey::Device));
        if settings.by_asn {
            sources.extend(client.asn.map(SourceKey::Asn));
        }
        let mut out = Vec::new();
        for source in sources {
            let group = self.by_source.entry(source.clone()).or_default();
            let t = s.event.time;
            while group.recent.front().is_some_and(|(at, _, _)| t - *at > window) {
                group.recent.pop_front();
            }
            let Bindings { recent, reported } = group;
            reported.retain(|k| recent.iter().any(|(_, rk, _)| rk == k));
            if group.recent.len() >= MAX_PER_SOURCE {
                group.recent.pop_front();
            }
            group.recent.push_back((t, identity.clone(), s.evidence.clone()));
            let distinct: HashSet<&IdentityKey> = group.recent.iter().map(|(_, k, _)| k).collect();
            if (distinct.len() as u32) < settings.identities {
                continue;
            }
            let evidence: Vec<Evidence> = group.recent.iter().map(|(_, _, e)| e.clone()).collect();
            let count = distinct.len();
            let fresh: Vec<IdentityKey> =
                distinct.into_iter().filter(|k| !group.reported.contains(*k)).cloned().collect();
            for key in fresh {
                group.reported.insert(key.clone());
                let summary = format!(
                    "{} bound factors to {count} identities within {} min, {} among them",
                    source.describe(),
                    settings.window.as_secs() / 60,
                    key.id
                );
                out.push((key, Draft::new(Detector::MassEnrollment, Severity::Critical, summary, evidence.clone())));
            }
        }
        out
    }
}
