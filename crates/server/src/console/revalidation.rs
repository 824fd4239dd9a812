//! Revalidation for approvers: the factor attestations that wait in the open campaigns, each
//! with the person's name and login as detection knows them, their tier, the factor, why it is
//! up and who may decide it. Deciding goes through the API (`/v1/revalidation/...`).

use crate::auth::Need;
use crate::console::layout::{self, Nav};
use crate::console::session::User;
use crate::console::{failed, forbidden, secure, seg};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use policy::{Campaign, CampaignItem, ItemReason, ItemState};

/// Campaigns read, newest first.
const CAMPAIGNS: usize = 20;

pub async fn page(State(app): State<AppState>, user: User) -> Response {
    if !user.may(Need::Approve) {
        return forbidden(&user, "revalidation is for approver and admin tokens.");
    }
    let records = match app.db.run(|s| s.campaigns(CAMPAIGNS)).await {
        Ok(records) => records,
        Err(e) => return failed(e),
    };
    let campaigns: Vec<Campaign> = records.iter().filter_map(|r| serde_json::from_str(&r.body).ok()).collect();
    let unreadable = records.len() - campaigns.len();
    let open: Vec<(&Campaign, &CampaignItem)> = campaigns
        .iter()
        .flat_map(|c| c.items.iter().filter(|i| i.state == ItemState::Open).map(move |i| (c, i)))
        .collect();
    let body = html! {
        h1 { "Revalidation" }
        p.muted {
            "Privileged factors bound without an approved decision, or longer ago than the revalidation period, "
            "wait here for an approver to attest (keep) or revoke (remove) them. Four eyes: nobody decides about themselves."
        }
        @if unreadable > 0 { (layout::notice(Some(&format!("{unreadable} stored campaigns could not be read.")))) }
        section aria-labelledby="h-open" {
            h2 #h-open { "Waiting (" (open.len()) ")" }
            @if open.is_empty() {
                (layout::empty("Nothing waits for revalidation."))
            } @else {
                (layout::scroll(html! {
                    table.revalidation {
                        thead { tr { th { "Person" } th { "Tier" } th { "Factor" } th { "Bound" } th { "Why" } th { "Who may decide" } th { "Campaign" } } }
                        tbody { @for (c, item) in &open { (row(&app, c, item)) } }
                    }
                }))
            }
        }
    };
    secure((StatusCode::OK, layout::page("Revalidation", Nav::Approvals, Some(&user), body)).into_response())
}

fn row(app: &AppState, campaign: &Campaign, item: &CampaignItem) -> Markup {
    let key = &item.key;
    let name = person_name(app, key);
    let href =
        format!("/console/identities/{}/{}/{}", seg(key.provider.as_str()), seg(&key.tenant), seg(&key.identity));
    html! {
        tr {
            td {
                a href=(href) { (name.as_deref().unwrap_or(&key.identity)) }
                @if name.is_some() { br; span.muted { (key.identity) } }
                br; span.muted { (key.provider.as_str()) " · " (key.tenant) }
            }
            td { (item.tier) }
            td { (item.factor.kind) }
            td { (layout::time(item.factor.bound_at)) }
            td { (item.reasons.iter().map(|r| reason(*r)).collect::<Vec<_>>().join("; ")) }
            td { (item.eligible.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")) }
            td { code { (campaign.id) } }
        }
    }
}

/// The login detection knows for the identity, when it differs from its id.
fn person_name(app: &AppState, key: &policy::IdentityKey) -> Option<String> {
    let guard = app.stream.lock().ok()?;
    let view = guard.as_ref()?.engine().identity(key.provider, &key.tenant, &key.identity)?;
    view.name.map(|n| n.to_string()).filter(|n| n != &key.identity)
}

fn reason(r: ItemReason) -> &'static str {
    match r {
        ItemReason::BoundWithoutApproval => "bound without an approved decision",
        ItemReason::OlderThanPeriod => "older than the revalidation period",
    }
}
