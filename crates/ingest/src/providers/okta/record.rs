//! One Okta event, read from either shape (native LogEvent or `Okta_CL` row), and the
//! events it becomes. Readers fill [`Record`]; everything after that is shared.

use super::mapping::{self, Rule};
use super::risk::{self, RiskFields};
use crate::context::{Ctx, Relevance};
use crate::json::View;
use crate::providers::Result;
use crate::values::{derived_id, set_address};
use chrono::{DateTime, Utc};
use model::{ActorRelation, Category, Event, Factor, Geo, Principal, PrincipalKind, Provider, Tag, Text};

/// The actor as logged: `actor.{id,type,alternateId,displayName}`.
#[derive(Default, Clone, Copy)]
pub struct Actor<'v> {
    pub id: Option<&'v str>,
    pub kind: Option<&'v str>,
    pub alternate_id: Option<&'v str>,
    pub display_name: Option<&'v str>,
}

/// The fields of an Okta event that normalization reads, borrowed from the record.
#[derive(Clone, Copy)]
pub struct Record<'v, 'a> {
    pub event_type: &'v str,
    pub uuid: Option<&'v str>,
    pub time: DateTime<Utc>,
    pub actor: Actor<'v>,
    /// The `target` array (decoded from its string in `Okta_CL`).
    pub targets: View<'v, 'a>,
    pub result: Option<&'v str>,
    pub reason: Option<&'v str>,
    /// `client.ipAddress`, else the first `request.ipChain[].ip`.
    pub ip: Option<&'v str>,
    pub country: Option<&'v str>,
    pub region: Option<&'v str>,
    pub city: Option<&'v str>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub asn: Option<i64>,
    pub as_org: Option<&'v str>,
    pub proxy: Option<bool>,
    pub user_agent: Option<&'v str>,
    /// `client.zone`: the network zone Okta placed the request in (`"null"` when none).
    pub zone: Option<&'v str>,
    /// `debugData.dtHash`, `debugData.deviceFingerprint` or `device.id`; never `client.device`.
    pub device_id: Option<&'v str>,
    pub session: Option<&'v str>,
    pub transaction: Option<&'v str>,
    /// `transaction.detail.requestApiTokenId`: the call was made with an API token.
    pub api_token: Option<&'v str>,
    /// `debugData.factor`.
    pub factor: Option<&'v str>,
    /// `debugData.privilegeGranted` / `privilegeRevoked` (comma list).
    pub privilege: Option<&'v str>,
    pub risk: RiskFields<'v>,
}

const OKTA_SYSTEM: &str = "system@okta.com";

impl Record<'_, '_> {
    fn targets_of(&self, kind: &str) -> View<'_, '_> {
        self.targets.find("type", kind)
    }

    fn actor_principal(&self) -> Option<Principal> {
        let a = &self.actor;
        let kind = match a.kind {
            // Okta names the attempt's source, not an identity, for unknown callers.
            Some(k) if k.eq_ignore_ascii_case("IP address") => return None,
            Some(k) if k.eq_ignore_ascii_case("SystemPrincipal") => PrincipalKind::System,
            _ if a.alternate_id.is_some_and(|n| n.eq_ignore_ascii_case(OKTA_SYSTEM)) => PrincipalKind::System,
            Some(k) if k.eq_ignore_ascii_case("User") => PrincipalKind::Human,
            Some(k) if k.contains("App") || k.contains("Client") => PrincipalKind::Nhi,
            _ => PrincipalKind::Unknown,
        };
        Principal::new(a.id, a.alternate_id.or(a.display_name), kind)
    }

    fn target_principal(&self, kind: &str, principal_kind: PrincipalKind) -> Option<Principal> {
        let t = self.targets_of(kind);
        Principal::new(t.get("id").str(), t.get("alternateId").str().or(t.get("displayName").str()), principal_kind)
    }

    /// The display name of the first target that is not an identity or a factor: the
    /// role, group, token, policy or identity provider a change was made to.
    fn object_target(&self) -> Option<&str> {
        const NOT_OBJECTS: [&str; 4] = ["User", "AuthenticatorEnrollment", "MobilePhone", "AppInstance"];
        self.targets
            .items()
            .find(|t| t.get("type").str().is_some_and(|k| !NOT_OBJECTS.contains(&k)))
            .and_then(|t| t.get("displayName").str().or(t.get("alternateId").str()))
    }

    fn policy_type(&self) -> Option<&str> {
        self.targets.items().find_map(|t| t.path("detailEntry.policyType").str())
    }

    fn factor(&self) -> Option<Factor> {
        let enrollment = self.targets_of("AuthenticatorEnrollment");
        let phone = self.targets_of("MobilePhone").get("alternateId").str();
        let kind = self
            .factor
            .or_else(|| self.reason.and_then(mapping::reset_factor_kind))
            .or_else(|| enrollment.get("displayName").str())
            .or_else(|| mapping::implied_factor(self.event_type));
        let id = enrollment.get("id").str();
        let name = phone.or_else(|| enrollment.get("displayName").str().filter(|n| Some(*n) != kind));
        if kind.is_none() && id.is_none() && name.is_none() {
            return None;
        }
        Some(Factor {
            kind: kind.map(Text::from),
            class: kind.map(mapping::factor_class).unwrap_or_default(),
            id: id.map(Text::from),
            name: name.map(Text::from),
        })
    }

    fn client(&self) -> model::Client {
        let mut c = model::Client::default();
        set_address(&mut c, self.ip);
        let geo = Geo {
            country: self.country.map(Text::from),
            region: self.region.map(Text::from),
            city: self.city.map(Text::from),
            lat: self.lat,
            lon: self.lon,
        };
        c.geo = (!geo.is_empty()).then_some(geo);
        c.asn = self.asn.and_then(|n| u32::try_from(n).ok()).filter(|n| *n != 0);
        c.as_org = self.as_org.map(Text::from);
        c.proxy = self.proxy.unwrap_or(false);
        c.user_agent = self.user_agent.map(Text::from);
        c.device_id = self.device_id.map(Text::from);
        c.trusted_network = self.zone.is_some();
        c
    }
}

/// The events of one Okta record, pushed to `out`.
pub fn emit(rec: &Record<'_, '_>, ctx: &Ctx<'_>, out: &mut Vec<Event>) -> Result {
    let Some(rule) = mapping::rule_for(rec.event_type) else {
        return Ok(Relevance::NotRelevant(Text::from(rec.event_type)));
    };
    let outcome = mapping::outcome(rec.result);
    let mut tags = Vec::new();
    let category = match rule {
        Rule::Fixed(c) => c,
        Rule::FactorDeactivate => {
            if rec.reason.and_then(mapping::reset_factor_kind).is_some() {
                tags.push(Tag::ResetPart);
            }
            Category::FactorRemove
        }
        Rule::SignIn if outcome == model::Outcome::Failure => Category::SigninFailure,
        Rule::SignIn => Category::SigninSuccess,
        Rule::MfaVerify => mapping::mfa_verify_category(rec.factor, outcome, rec.reason),
        Rule::MfaSend => Category::MfaChallenge,
        Rule::PolicyEvaluate | Rule::GroupMembership => Category::Other,
        Rule::PolicyChange => {
            tags.push(Tag::PolicyChange);
            if mapping::is_policy_removal(rec.event_type) && mapping::is_signon_or_mfa_policy(rec.policy_type()) {
                Category::PolicyWeaken
            } else {
                Category::Other
            }
        }
        Rule::RecoveryRequested => {
            tags.push(Tag::RecoveryRequested);
            Category::Other
        }
        Rule::IdpAdded => {
            tags.push(Tag::FederationAdded);
            Category::PolicyWeaken
        }
        Rule::AdminConsole => {
            tags.push(Tag::AdminConsole);
            Category::Other
        }
    };

    let actor = rec.actor_principal();
    let org_wide = category == Category::PolicyWeaken || tags.contains(&Tag::PolicyChange);
    let user_target = rec.target_principal("User", PrincipalKind::Human);
    let target = match category {
        _ if user_target.is_some() => user_target,
        _ if org_wide => None,
        Category::RoleGrant | Category::RoleRevoke => {
            rec.target_principal("UserGroup", PrincipalKind::Unknown).or_else(|| actor.clone())
        }
        _ => actor.clone(),
    };
    let relation = if rec.api_token.is_some() && actor.as_ref().is_none_or(|a| a.kind != PrincipalKind::System) {
        ActorRelation::Service
    } else {
        ActorRelation::between(actor.as_ref(), target.as_ref())
    };
    let object = match category {
        Category::RoleGrant | Category::RoleRevoke => rec.privilege.or_else(|| rec.object_target()),
        Category::SecretIssue | Category::SecretRevoke | Category::PolicyWeaken | Category::Other => {
            rec.object_target()
        }
        _ => None,
    };
    let risk = risk::read(&rec.risk, rec.reason);
    let verdict = category != Category::RiskSignal && risk::is_verdict(&risk, &rec.risk);

    let id = match rec.uuid {
        Some(u) => Text::from(u),
        None => Text::from(derived_id(&[
            rec.event_type,
            &rec.time.to_rfc3339(),
            rec.actor.id.unwrap_or(""),
            rec.transaction.unwrap_or(""),
        ])),
    };
    let tenant = ctx.tenant(Provider::Okta, None);
    let mut event = ctx.event(Provider::Okta, tenant, &id, rec.time, category, rec.event_type);
    event.outcome = outcome;
    event.reason = rec.reason.map(Text::from);
    event.actor = actor;
    event.target = target;
    event.relation = relation;
    event.factor = rec.factor();
    event.client = rec.client();
    event.session = rec.session.map(Text::from);
    event.correlation = rec.transaction.map(Text::from);
    event.object = object.map(Text::from);
    event.risk = risk;
    event.tags = tags;

    if verdict {
        // Okta's verdict as an event of its own, on the same session, so that detectors keyed
        // on risk signals see it; the record's own event keeps the markers too.
        let mut signal = event.clone();
        signal.category = Category::RiskSignal;
        // Its own id, so de-duplication on (id, action, time) keeps both.
        signal.id = Text::from(format!("{id}#risk"));
        signal.tags.clear();
        out.push(event);
        out.push(signal);
    } else {
        out.push(event);
    }
    Ok(Relevance::Relevant)
}
