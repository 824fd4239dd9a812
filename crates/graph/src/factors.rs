//! Factors a provider snapshot lists for an identity. A later snapshot from the same export
//! replaces what an earlier one said; exports of different kinds (an IAM user's MFA devices
//! and its virtual MFA devices) add up.

use crate::graph::{Graph, Node, NodeId};
use chrono::{DateTime, Utc};
use model::{FactorClass, Text};
use serde::{Deserialize, Serialize};

/// A factor bound to an identity, as a provider's state export lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListedFactor {
    /// The kind, in the words the provider's logs use for it where they differ from the
    /// export's (`OKTA_VERIFY_PUSH` for an Okta `push` factor), so events match it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<Text>,
    /// The strength class of the kind (docs/events.md §10).
    #[serde(default)]
    pub class: FactorClass,
    /// The provider's id of this factor (factor id, method id, MFA serial), as events name it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Text>,
    /// A display name: phone number, device or key name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Text>,
    /// When it was enrolled, when the export says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enrolled: Option<DateTime<Utc>>,
    /// The time of the snapshot that listed it.
    pub listed: DateTime<Utc>,
    /// The export that listed it (the import format's name).
    pub source: Text,
}

impl ListedFactor {
    /// What tells this factor apart from the identity's others: its id, else its kind, else
    /// its class.
    pub fn key(&self) -> Text {
        self.id.clone().or_else(|| self.kind.clone()).unwrap_or_else(|| Text::from(self.class.as_str()))
    }
}

/// Adds a listed factor to a node: an older listing from the same export is dropped first,
/// and a factor already listed by a newer one is kept as it is.
pub(crate) fn add(node: &mut Node, factor: ListedFactor) {
    if node.factors.iter().any(|f| f.source == factor.source && f.listed > factor.listed) {
        return;
    }
    node.factors.retain(|f| f.source != factor.source || f.listed >= factor.listed);
    let key = factor.key();
    node.factors.retain(|f| !(f.source == factor.source && f.key() == key));
    node.factors_listed = node.factors_listed.max(Some(factor.listed));
    node.factors.push(factor);
}

impl Graph {
    /// Records what an export of `source` at `time` lists for `identity`: `factors` replace
    /// those an earlier listing of the same export gave (an empty list says the identity had
    /// none then). A listing older than one already recorded changes nothing.
    pub fn list_factors(&mut self, identity: NodeId, source: &str, time: DateTime<Utc>, factors: Vec<ListedFactor>) {
        let Some(node) = self.node_mut(identity) else { return };
        if node.factors.iter().any(|f| f.source == source && f.listed > time) {
            return;
        }
        node.factors.retain(|f| f.source != source || f.listed >= time);
        node.factors_listed = node.factors_listed.max(Some(time));
        for f in factors {
            add(node, ListedFactor { listed: time, source: Text::from(source), ..f });
        }
    }
}
