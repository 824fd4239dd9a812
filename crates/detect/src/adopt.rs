//! Findings made outside the detectors (Sigma rules) join the detectors' own: the identity's
//! tier and blast radius as they stand now are filled in, and they are grouped into the same
//! incidents, de-duplicated by id.

use crate::engine::Engine;
use model::{Finding, Principal};

impl Engine {
    /// Takes in a finding made elsewhere; one with an id already seen is dropped.
    pub fn adopt(&mut self, mut finding: Finding) {
        let identity = &finding.identity;
        let who = Principal { id: Some(identity.id.clone()), name: identity.name.clone(), kind: identity.kind };
        (finding.identity.tier, finding.identity.tier_basis) =
            self.tier_with_basis(identity.provider, &identity.tenant, &who);
        finding.blast_radius = self
            .graph_node(finding.identity.provider, &finding.identity.tenant, &who)
            .map(|node| self.graph.blast_summary(node, 5))
            .unwrap_or_default();
        if self.finding_ids.insert(finding.id.clone()) {
            self.findings.push(finding);
        }
    }
}
