//! State that predates the logs: when the engine first meets an identity, the factors a
//! provider snapshot listed for it in the identity graph (Okta factors, Microsoft Graph
//! authentication methods, AWS MFA devices, Duo users, Google 2-Step Verification, GitHub
//! 2FA) become its bound factors, marked as listed in the snapshot. Later events change them
//! as they change enrolled ones.

use crate::state::{BoundFactor, FactorOrigin, IdentityState};
use model::{Category, Event, Evidence, Principal, Text};

/// A new identity's state, with the factors the graph's snapshots list for `who`. Factors
/// the snapshot says were enrolled after `event` are left out: their enrollment, if logged,
/// is still to come.
pub(crate) fn seeded(graph: &graph::Graph, event: &Event, who: &Principal) -> IdentityState {
    let mut state = IdentityState::new(event, who);
    let Some(node) = [who.id.as_deref(), who.name.as_deref()]
        .into_iter()
        .flatten()
        .find_map(|k| graph.find_identity(Some(event.provider), Some(event.tenant.as_str()), k))
        .and_then(|id| graph.node(id))
    else {
        return state;
    };
    for f in node.factors.iter().filter(|f| f.enrolled.is_none_or(|t| t <= event.time)) {
        let key = f.key();
        let listed = model::Factor { kind: f.kind.clone(), class: f.class, id: f.id.clone(), name: f.name.clone() };
        let evidence = Evidence {
            provider: event.provider,
            event_id: Text::from(format!("snapshot:{}:{key}", f.source)),
            time: f.listed,
            category: Category::FactorAdd,
            action: f.source.clone(),
            source: Text::from(format!("{} of {}", f.source, f.listed.format("%Y-%m-%d %H:%M UTC"))),
        };
        let bound_at = f.enrolled.unwrap_or(f.listed);
        state.add_factor(BoundFactor::known_without_binding(FactorOrigin::Snapshot, &listed, key, bound_at, evidence));
    }
    state
}
