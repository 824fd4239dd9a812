//! Revalidation campaigns: privileged identities' factors bound without approval or longer
//! ago than the period, for approvers to attest (keep) or revoke (remove), four eyes.

use crate::api::approvals::reviewer;
use crate::api::blocking;
use crate::api::json_body;
use crate::api::names::Names;
use crate::auth::{Caller, Need};
use crate::error::ApiError;
use crate::state::AppState;
use axum::Extension;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use chrono::Utc;
use policy::{Campaign, CampaignItem, RevalError, campaign, privileged_identities};
use serde::{Deserialize, Serialize};
use store::CampaignRecord;

fn decode(record: &CampaignRecord) -> Result<Campaign, ApiError> {
    serde_json::from_str(&record.body).map_err(|e| ApiError::internal(format!("a stored campaign is unreadable: {e}")))
}

/// A campaign as answered: each item with the login of its identity, for the reviewer.
#[derive(Debug, Serialize)]
pub struct CampaignView {
    pub id: String,
    pub created_at: chrono::DateTime<Utc>,
    pub period_seconds: u64,
    pub items: Vec<ItemView>,
}

#[derive(Debug, Serialize)]
pub struct ItemView {
    #[serde(flatten)]
    pub item: CampaignItem,
    /// The login detection knows the identity by (absent: none seen).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_name: Option<String>,
}

fn view(campaign: Campaign, names: &Names) -> CampaignView {
    let items = campaign
        .items
        .into_iter()
        .map(|item| {
            let identity_name = names.of(item.key.provider, &item.key.tenant, &item.key.identity);
            ItemView { item, identity_name }
        })
        .collect();
    CampaignView { id: campaign.id, created_at: campaign.created_at, period_seconds: campaign.period_seconds, items }
}

/// Campaigns with names, read from detection's state off the async workers.
async fn views(app: &AppState, campaigns: Vec<Campaign>) -> Result<Vec<CampaignView>, ApiError> {
    let app = app.clone();
    blocking(move || {
        let names = Names::read(&app);
        Ok(campaigns.into_iter().map(|c| view(c, &names)).collect())
    })
    .await
}

async fn one_view(app: &AppState, campaign: Campaign) -> Result<CampaignView, ApiError> {
    views(app, vec![campaign]).await?.pop().ok_or_else(|| ApiError::internal("a campaign vanished"))
}

fn encode(campaign: &Campaign, version: i64) -> Result<CampaignRecord, ApiError> {
    let body = serde_json::to_string(campaign).map_err(|e| ApiError::internal(e.to_string()))?;
    Ok(CampaignRecord { id: campaign.id.clone(), time: campaign.created_at, version, body })
}

/// Opens a campaign over every privileged identity detection knows, as of now.
pub async fn create(
    State(app): State<AppState>,
    headers: HeaderMap,
) -> Result<(StatusCode, Json<CampaignView>), ApiError> {
    let caller = app.authorize(&headers, Need::Approve).await?;
    let now = Utc::now();
    let worker = app.clone();
    let built = blocking(move || {
        let app = worker;
        let identities = {
            let guard = app.stream.lock().map_err(|_| ApiError::internal("detection state is poisoned"))?;
            let Some(stream) = guard.as_ref() else {
                return Err(ApiError::unavailable("detection state is still being restored", 1));
            };
            privileged_identities(stream.engine(), &app.gating.approvals, &app.gating.managers)
                .map_err(crate::api::approvals::approval_error)?
        };
        let c = campaign(&identities, app.gating.revalidation_period, now);
        let record = encode(&c, 0)?;
        app.db.run_blocking(|s| s.save_campaign(&record, None))?;
        let entry = store::AuditEntry {
            seq: 0,
            time: now,
            actor: caller.name.clone(),
            action: "revalidation.opened".into(),
            target: c.id.clone(),
            detail: serde_json::json!({ "items": c.items.len(), "period_seconds": c.period_seconds }),
        };
        app.db.run_blocking(|s| s.append_audit(&entry))?;
        Ok(c)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(one_view(&app, built).await?)))
}

pub async fn list(State(app): State<AppState>, headers: HeaderMap) -> Result<Json<Vec<CampaignView>>, ApiError> {
    app.authorize(&headers, Need::Read).await?;
    let records = app.db.run(|s| s.campaigns(50)).await?;
    let campaigns = records.iter().map(decode).collect::<Result<_, _>>()?;
    Ok(Json(views(&app, campaigns).await?))
}

pub async fn get(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<CampaignView>, ApiError> {
    app.authorize(&headers, Need::Read).await?;
    let lookup = id.clone();
    match app.db.run(move |s| s.campaign(&lookup)).await? {
        Some(record) => Ok(Json(one_view(&app, decode(&record)?).await?)),
        None => Err(ApiError::not_found(format!("no campaign `{id}`"))),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemVerdict {
    pub justification: String,
}

pub async fn attest(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path((id, item)): Path<(String, String)>,
    body: Result<Json<ItemVerdict>, JsonRejection>,
) -> Result<Json<CampaignView>, ApiError> {
    decide_item(app, caller, id, item, body, true).await
}

pub async fn revoke(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path((id, item)): Path<(String, String)>,
    body: Result<Json<ItemVerdict>, JsonRejection>,
) -> Result<Json<CampaignView>, ApiError> {
    decide_item(app, caller, id, item, body, false).await
}

fn reval_error(e: RevalError) -> ApiError {
    let message = e.to_string();
    match e {
        RevalError::NotFound(_) => ApiError::not_found(message),
        RevalError::Decided { .. } => ApiError::new(StatusCode::CONFLICT, "not_open", message),
        RevalError::Target(_) => ApiError::new(StatusCode::FORBIDDEN, "four_eyes", message),
        RevalError::NotEligible(_) => ApiError::new(StatusCode::FORBIDDEN, "not_eligible", message),
        RevalError::NoJustification => ApiError::bad_request(message),
        RevalError::Ledger(e) => ApiError::internal(e.to_string()),
        _ => ApiError::internal(message),
    }
}

async fn decide_item(
    app: AppState,
    caller: Caller,
    id: String,
    item: String,
    body: Result<Json<ItemVerdict>, JsonRejection>,
    attest: bool,
) -> Result<Json<CampaignView>, ApiError> {
    let verdict = json_body(body)?;
    let who = reviewer(&caller);
    let worker = app.clone();
    let updated = blocking(move || {
        let app = worker;
        let lookup = id.clone();
        let Some(record) = app.db.run_blocking(move |s| s.campaign(&lookup))? else {
            return Err(ApiError::not_found(format!("no campaign `{id}`")));
        };
        let mut c = decode(&record)?;
        let now = Utc::now();
        let ledger = &app.gating.ledger;
        if attest {
            c.attest(&item, &who, &verdict.justification, now, ledger).map_err(reval_error)?;
        } else {
            c.revoke(&item, &who, &verdict.justification, now, ledger).map_err(reval_error)?;
        }
        let next = encode(&c, record.version + 1)?;
        if !app.db.run_blocking(|s| s.save_campaign(&next, Some(record.version)))? {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "conflict",
                "the campaign changed meanwhile; read it again",
            ));
        }
        Ok(c)
    })
    .await?;
    Ok(Json(one_view(&app, updated).await?))
}
