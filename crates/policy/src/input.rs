//! The Cedar request built from plain data: two entities (actor, identity) and the
//! `Change` context. Type names and action ids are parsed once, in [`Names`].

use crate::aal::{aal_of, strength};
use crate::request::{EnrollmentRequest, IdentityContext, RiskReason};
use cedar_policy::{
    Context, Entities, Entity, EntityId, EntityTypeName, EntityUid, Request, RestrictedExpression, Schema,
};
use model::PrincipalKind;
use std::collections::{HashMap, HashSet};
use std::str::FromStr;

/// Parsed once at start-up.
#[derive(Debug, Clone)]
pub(crate) struct Names {
    identity: EntityTypeName,
    actor: EntityTypeName,
    pub bind: EntityUid,
    pub notify: EntityUid,
}

impl Names {
    pub fn new() -> Result<Names, String> {
        let parse = |s: &str| EntityTypeName::from_str(s).map_err(|e| e.to_string());
        let action = parse("Factorwatch::Action")?;
        Ok(Names {
            identity: parse("Factorwatch::Identity")?,
            actor: parse("Factorwatch::Actor")?,
            bind: EntityUid::from_type_name_and_id(action.clone(), EntityId::new("bind_factor")),
            notify: EntityUid::from_type_name_and_id(action, EntityId::new("notify")),
        })
    }
}

/// Numbers the decision point derives before asking Cedar, also used in its answer.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Derived {
    pub account_max_aal: u8,
    /// SP 800-63B-4 §4.1.2.1.
    pub binding_aal: u8,
}

/// Everything one evaluation needs.
pub(crate) struct Built {
    pub entities: Entities,
    pub derived: Derived,
    pub risk: Vec<RiskReason>,
}

/// The risk reasons of the change: the identity's recent risk, plus an unfamiliar device or
/// country in this request once the baseline is established (docs/detection-contract.md §4).
pub(crate) fn risk_of(req: &EnrollmentRequest, ident: &IdentityContext) -> Vec<RiskReason> {
    let mut risk = ident.risk.clone();
    if ident.familiar.established {
        if req.context.device_id.is_some() && !ident.familiar.device {
            risk.push(RiskReason::UnfamiliarDevice);
        }
        let country = req.context.geo.as_ref().and_then(|g| g.country.as_ref());
        if country.is_some() && !ident.familiar.country {
            risk.push(RiskReason::UnfamiliarCountry);
        }
    }
    risk.sort();
    risk.dedup();
    risk
}

pub(crate) fn build(
    names: &Names,
    schema: &Schema,
    req: &EnrollmentRequest,
    ident: &IdentityContext,
    recovery: bool,
) -> Result<(Built, Request, Request), String> {
    let factor_aal = aal_of(&req.factor.kind, req.factor.class, req.factor.device_bound);
    let account_max_aal = ident
        .max_aal
        .unwrap_or_else(|| ident.factors.iter().map(|f| aal_of(&f.kind, f.class, f.device_bound)).max().unwrap_or(1))
        .clamp(1, 3);
    let binding_aal = account_max_aal.min(factor_aal);
    let strongest = ident.factors.iter().map(|f| strength(f.class)).max().unwrap_or(0);
    let risk = risk_of(req, ident);

    let resource = EntityUid::from_type_name_and_id(names.identity.clone(), EntityId::new(&req.identity));
    let principal = EntityUid::from_type_name_and_id(names.actor.clone(), EntityId::new(req.actor_id()));
    let privileged = ident.tier <= 1;
    let target = Entity::new(
        resource.clone(),
        HashMap::from([
            ("kind".to_string(), string(kind_str(ident.kind))),
            ("tier".to_string(), RestrictedExpression::new_long(i64::from(ident.tier))),
            ("privileged".to_string(), RestrictedExpression::new_bool(privileged)),
        ]),
        HashSet::new(),
    )
    .map_err(|e| e.to_string())?;
    let actor_kind = if req.actor.is_none() { ident.kind } else { ident.actor_kind };
    let actor = Entity::new(
        principal.clone(),
        HashMap::from([
            ("kind".to_string(), string(kind_str(actor_kind))),
            (
                "privileged".to_string(),
                RestrictedExpression::new_bool(if req.actor.is_none() { privileged } else { ident.actor_privileged }),
            ),
        ]),
        HashSet::new(),
    )
    .map_err(|e| e.to_string())?;
    let entities = Entities::from_entities([target, actor], None).map_err(|e| e.to_string())?;

    let factor = record([
        ("kind", string(&req.factor.kind)),
        ("class", string(req.factor.class.as_str())),
        ("strength", RestrictedExpression::new_long(strength(req.factor.class))),
        ("aal", RestrictedExpression::new_long(i64::from(factor_aal))),
        ("device_bound", RestrictedExpression::new_bool(req.factor.device_bound)),
        ("recovery", RestrictedExpression::new_bool(recovery)),
    ])?;
    let account = record([
        ("max_aal", RestrictedExpression::new_long(i64::from(account_max_aal))),
        ("strongest", RestrictedExpression::new_long(strongest)),
        ("factor_count", RestrictedExpression::new_long(ident.factors.len() as i64)),
        ("factor_kinds", RestrictedExpression::new_set(ident.factors.iter().map(|f| string(&f.kind)))),
        ("has_manager", RestrictedExpression::new_bool(ident.manager.is_some())),
    ])?;
    let familiar = record([
        ("device", RestrictedExpression::new_bool(ident.familiar.device)),
        ("ip", RestrictedExpression::new_bool(ident.familiar.ip)),
        ("country", RestrictedExpression::new_bool(ident.familiar.country)),
        ("established", RestrictedExpression::new_bool(ident.familiar.established)),
    ])?;
    let blast = record([
        ("identities", RestrictedExpression::new_long(i64::from(ident.blast.identities))),
        ("roles", RestrictedExpression::new_long(i64::from(ident.blast.roles))),
        ("nhi", RestrictedExpression::new_long(i64::from(ident.blast.nhi))),
        ("secrets", RestrictedExpression::new_long(i64::from(ident.blast.secrets))),
    ])?;
    let mut geo = Vec::new();
    if let Some(g) = &req.context.geo {
        if let Some(c) = &g.country {
            geo.push(("country", string(c)));
        }
        if let Some(c) = &g.city {
            geo.push(("city", string(c)));
        }
    }
    let mut pairs = vec![
        ("factor", factor),
        ("account", account),
        ("session_aal", RestrictedExpression::new_long(i64::from(req.context.session_aal))),
        ("binding_aal", RestrictedExpression::new_long(i64::from(binding_aal))),
        ("delegated", RestrictedExpression::new_bool(ident.delegated)),
        ("self_service", RestrictedExpression::new_bool(req.actor.as_deref().is_none_or(|a| a == req.identity))),
        ("actor_privileged", RestrictedExpression::new_bool(ident.actor_privileged)),
        ("risky", RestrictedExpression::new_bool(!risk.is_empty())),
        ("risk_reasons", RestrictedExpression::new_set(risk.iter().map(|r| string(r.as_str())))),
        ("familiar", familiar),
        ("blast", blast),
        ("provider", string(req.provider.as_str())),
        ("tenant", string(&req.tenant)),
        ("geo", record(geo)?),
    ];
    if let Some(ip) = req.context.ip {
        pairs.push(("ip", RestrictedExpression::new_ip(ip.to_string())));
    }
    if let Some(ua) = &req.context.user_agent {
        pairs.push(("user_agent", string(ua)));
    }
    if let Some(d) = &req.context.device_id {
        pairs.push(("device_id", string(d)));
    }
    let context = Context::from_pairs(pairs.into_iter().map(|(k, v)| (k.to_string(), v))).map_err(|e| e.to_string())?;
    let bind = Request::new(principal.clone(), names.bind.clone(), resource.clone(), context.clone(), Some(schema))
        .map_err(|e| e.to_string())?;
    let notify = Request::new(principal, names.notify.clone(), resource, context, None).map_err(|e| e.to_string())?;
    let derived = Derived { account_max_aal, binding_aal };
    Ok((Built { entities, derived, risk }, bind, notify))
}

fn string(s: &str) -> RestrictedExpression {
    RestrictedExpression::new_string(s.to_string())
}

fn record<'a>(
    fields: impl IntoIterator<Item = (&'a str, RestrictedExpression)>,
) -> Result<RestrictedExpression, String> {
    RestrictedExpression::new_record(fields.into_iter().map(|(k, v)| (k.to_string(), v))).map_err(|e| e.to_string())
}

fn kind_str(kind: PrincipalKind) -> &'static str {
    match kind {
        PrincipalKind::Human => "human",
        PrincipalKind::Nhi => "nhi",
        PrincipalKind::System => "system",
        PrincipalKind::Unknown => "unknown",
    }
}
