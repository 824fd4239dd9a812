//! The one sign-in mapping (docs/events.md §2 "Sign-in"), over the fields of any sign-in
//! shape: diagnostic records (`properties`), Graph `signIn` objects and Log Analytics rows.

use super::read::column;
use super::{FACTOR_TABLE, mentions};
use crate::context::{Ctx, Relevance, classify_factor, contains_ignore_case};
use crate::error::RecordError;
use crate::json::{Json, View, decode_embedded};
use crate::providers::Result;
use crate::shape::la_column;
use crate::values::{derived_id, parse_time, set_address};
use model::{
    ActorRelation, Category, Event, Factor, Geo, Outcome, Principal, PrincipalKind, Provider, RiskLevel, Tag, Text,
};
use std::borrow::Cow;

/// The fields of a sign-in record, as views into whichever shape carried it.
pub(crate) struct Signin<'v, 'a> {
    shape: &'static str,
    /// Service principal and managed identity sign-ins: the subject is an NHI.
    nhi: bool,
    tenant: Option<&'v str>,
    id: Option<&'v str>,
    time: View<'v, 'a>,
    user_id: Option<&'v str>,
    upn: Option<&'v str>,
    sp_id: Option<&'v str>,
    sp_name: Option<&'v str>,
    app_id: Option<&'v str>,
    app_name: Option<&'v str>,
    result_type: View<'v, 'a>,
    status: View<'v, 'a>,
    location: View<'v, 'a>,
    device: View<'v, 'a>,
    steps: View<'v, 'a>,
    mfa: View<'v, 'a>,
    risk_level: Option<&'v str>,
    risk_events: View<'v, 'a>,
    risk_events_v1: View<'v, 'a>,
    networks: View<'v, 'a>,
    ip: Option<&'v str>,
    asn: View<'v, 'a>,
    user_agent: Option<&'v str>,
    session: Option<&'v str>,
    correlation: Option<&'v str>,
}

impl<'v, 'a> Signin<'v, 'a> {
    /// Diagnostic records: the Graph fields under `properties`, the category on top.
    pub(crate) fn diagnostic(rec: View<'v, 'a>, category: &str) -> Self {
        let mut s = Signin::object(rec.get("properties"), "entra.diag");
        s.nhi = contains_ignore_case(category, "ServicePrincipal") || contains_ignore_case(category, "ManagedIdentity");
        s.tenant = rec.get("tenantId").str().or(s.tenant);
        s.result_type = rec.get("resultType");
        s.ip = s.ip.or(rec.get("callerIpAddress").str());
        s.correlation = s.correlation.or(rec.get("correlationId").str());
        s
    }

    pub(crate) fn graph(rec: View<'v, 'a>) -> Self {
        let mut s = Signin::object(rec, "entra.graph.signin");
        let kinds = rec.get("signInEventTypes");
        s.nhi = kinds.items().any(|k| {
            k.str().is_some_and(|k| {
                k.eq_ignore_ascii_case("servicePrincipal") || k.eq_ignore_ascii_case("managedIdentity")
            })
        }) || (s.upn.is_none() && s.user_id.is_none() && s.sp_id.is_some());
        s
    }

    fn object(p: View<'v, 'a>, shape: &'static str) -> Self {
        Signin {
            shape,
            nhi: false,
            tenant: p.get("tenantId").str().or(p.get("homeTenantId").str()),
            id: p.get("id").str(),
            time: p.get("createdDateTime"),
            user_id: p.get("userId").str(),
            upn: p.get("userPrincipalName").str(),
            sp_id: p.get("servicePrincipalId").str(),
            sp_name: p.get("servicePrincipalName").str(),
            app_id: p.get("appId").str(),
            app_name: p.get("appDisplayName").str(),
            result_type: View::missing(),
            status: p.get("status"),
            location: p.get("location"),
            device: p.get("deviceDetail"),
            steps: p.get("authenticationDetails"),
            mfa: p.get("mfaDetail"),
            risk_level: p.get("riskLevelDuringSignIn").str(),
            risk_events: p.get("riskEventTypes_v2"),
            risk_events_v1: p.get("riskEventTypes"),
            networks: p.get("networkLocationDetails"),
            ip: p.get("ipAddress").str(),
            asn: p.get("autonomousSystemNumber"),
            user_agent: p.get("userAgent").str(),
            session: p.get("sessionId").str(),
            correlation: p.get("correlationId").str(),
        }
    }

    pub(crate) fn log_analytics(rec: View<'v, 'a>, cols: &'v LaSigninColumns) -> Self {
        let col = |name: &str| la_column(rec, name);
        let table = col("Category").str().or(col("Type").str()).unwrap_or("");
        let time = col("CreatedDateTime");
        Signin {
            shape: "entra.la.signin",
            nhi: contains_ignore_case(table, "ServicePrincipal") || contains_ignore_case(table, "ManagedIdentity"),
            tenant: col("AADTenantId").str().or(col("TenantId").str()),
            id: col("Id").str(),
            time: if time.is_present() { time } else { col("TimeGenerated") },
            user_id: col("UserId").str(),
            upn: col("UserPrincipalName").str(),
            sp_id: col("ServicePrincipalId").str(),
            sp_name: col("ServicePrincipalName").str(),
            app_id: col("AppId").str(),
            app_name: col("AppDisplayName").str(),
            result_type: col("ResultType"),
            status: column(rec, "Status", &cols.status),
            location: column(rec, "LocationDetails", &cols.location),
            device: column(rec, "DeviceDetail", &cols.device),
            steps: column(rec, "AuthenticationDetails", &cols.steps),
            mfa: column(rec, "MfaDetail", &cols.mfa),
            risk_level: col("RiskLevelDuringSignIn").str(),
            risk_events: column(rec, "RiskEventTypes_V2", &cols.risk_events),
            risk_events_v1: column(rec, "RiskEventTypes", &cols.risk_events_v1),
            networks: column(rec, "NetworkLocationDetails", &cols.networks),
            ip: col("IPAddress").str(),
            asn: col("AutonomousSystemNumber"),
            user_agent: col("UserAgent").str(),
            session: col("SessionId").str(),
            correlation: col("CorrelationId").str(),
        }
    }
}

/// The JSON-string columns of a Log Analytics sign-in row, decoded once.
pub(crate) struct LaSigninColumns {
    status: Option<Json<'static>>,
    location: Option<Json<'static>>,
    device: Option<Json<'static>>,
    steps: Option<Json<'static>>,
    mfa: Option<Json<'static>>,
    risk_events: Option<Json<'static>>,
    risk_events_v1: Option<Json<'static>>,
    networks: Option<Json<'static>>,
}

impl LaSigninColumns {
    pub(crate) fn decode(rec: View<'_, '_>) -> LaSigninColumns {
        let dec = |name: &str| la_column(rec, name).raw_str().and_then(decode_embedded);
        LaSigninColumns {
            status: dec("Status"),
            location: dec("LocationDetails"),
            device: dec("DeviceDetail"),
            steps: dec("AuthenticationDetails"),
            mfa: dec("MfaDetail"),
            risk_events: dec("RiskEventTypes_V2"),
            risk_events_v1: dec("RiskEventTypes"),
            networks: dec("NetworkLocationDetails"),
        }
    }
}

/// Error codes with their own meaning (docs/events.md §2); other non-zero codes are failures.
fn category_for(code: i64) -> Category {
    match code {
        0 => Category::SigninSuccess,
        500121 => Category::MfaDeny,
        50074 => Category::MfaChallenge,
        50140 => Category::Other,
        _ => Category::SigninFailure,
    }
}

pub(crate) fn map_signin(s: &Signin<'_, '_>, ctx: &Ctx<'_>, out: &mut Vec<Event>) -> Result {
    let time = parse_time(s.time).map_err(|reason| RecordError::invalid(s.shape, "createdDateTime", reason))?;
    let Some(code) = s.status.get("errorCode").i64().or_else(|| s.result_type.i64()) else {
        let found = s.status.get("errorCode").type_name();
        return Err(RecordError::invalid(
            s.shape,
            "status.errorCode",
            format!("expected an error code, found {found}"),
        ));
    };
    let id: Cow<str> = match s.id {
        Some(id) => Cow::Borrowed(id),
        None => Cow::Owned(derived_id(&[&time.to_rfc3339(), s.upn.or(s.sp_id).unwrap_or(""), &code.to_string()])),
    };
    let tenant = ctx.tenant(Provider::Entra, s.tenant);
    let category = category_for(code);
    let mut e = ctx.event(Provider::Entra, tenant, &id, time, category, "Sign-in activity");
    e.outcome = if code == 0 { Outcome::Success } else { Outcome::Failure };
    if category == Category::MfaChallenge {
        e.outcome = Outcome::Unknown;
    }
    let details = s.status.get("additionalDetails").str();
    e.reason = details.or_else(|| s.status.get("failureReason").str().filter(|_| code != 0)).map(Text::from);
    let subject = if s.nhi {
        Principal::new(s.sp_id.or(s.app_id), s.sp_name.or(s.app_name), PrincipalKind::Nhi)
    } else {
        Principal::new(s.user_id, s.upn, PrincipalKind::Human)
    };
    e.actor = subject.clone();
    e.target = subject;
    e.relation = ActorRelation::between(e.actor.as_ref(), e.target.as_ref());
    client(s, &mut e);
    e.session = s.session.map(Text::from);
    e.correlation = s.correlation.map(Text::from);
    let method = s
        .mfa
        .get("authMethod")
        .str()
        .or_else(|| s.steps.items().filter_map(|st| st.get("authenticationMethod").str()).last());
    e.factor = method.map(factor);
    if mentions(details, "fraud") {
        e.tags.push(Tag::FraudReported);
        e.risk.markers.push(Text::from("fraud reported"));
    }
    risk(s, &mut e);

    // A completed MFA step is also a challenge passed; a claim in the token is not.
    let mfa_done =
        |text: Option<&str>| text.is_some_and(|t| t.trim().eq_ignore_ascii_case("MFA successfully completed"));
    let step = s.steps.items().find(|st| mfa_done(st.get("authenticationStepResultDetail").str()));
    let extra_mfa = (step.is_some() || mfa_done(details)) && category != Category::MfaChallenge;
    let extra_risk = e.risk.is_elevated();
    let mut extras = Vec::new();
    if extra_mfa {
        let mut m = derived(&e, &id, ":mfa", Category::MfaChallenge);
        m.outcome = Outcome::Success;
        if let Some(kind) = step.and_then(|st| st.get("authenticationMethod").str()) {
            m.factor = Some(factor(kind));
        }
        extras.push(m);
    }
    if extra_risk {
        extras.push(derived(&e, &id, ":risk", Category::RiskSignal));
    }
    out.push(e);
    out.extend(extras);
    Ok(Relevance::Relevant)
}

/// A second event from the same record: same facts, its own category and key.
fn derived(primary: &Event, id: &str, suffix: &str, category: Category) -> Event {
    let mut e = primary.clone();
    e.category = category;
    e.id = Text::from(id);
    e.id.push_str(suffix);
    e
}

fn factor(kind: &str) -> Factor {
    Factor { kind: Some(Text::from(kind)), class: classify_factor(kind, FACTOR_TABLE), id: None, name: None }
}

fn client(s: &Signin<'_, '_>, e: &mut Event) {
    let c = &mut e.client;
    set_address(c, s.ip);
    let loc = s.location;
    let geo = Geo {
        country: loc.get("countryOrRegion").str().map(Text::from),
        region: loc.get("state").str().map(Text::from),
        city: loc.get("city").str().map(Text::from),
        lat: loc.path("geoCoordinates.latitude").f64(),
        lon: loc.path("geoCoordinates.longitude").f64(),
    };
    c.geo = (!geo.is_empty()).then_some(geo);
    c.asn = s.asn.i64().and_then(|n| u32::try_from(n).ok()).filter(|n| *n != 0);
    c.user_agent = s.user_agent.map(Text::from);
    c.device_id = s.device.get("deviceId").str().map(Text::from);
    c.trusted_network = s
        .networks
        .items()
        .any(|n| n.get("networkType").str().is_some_and(|t| t.eq_ignore_ascii_case("trustedNamedLocation")));
}

/// Risk level during sign-in and named detections (`hidden` names nothing).
fn risk(s: &Signin<'_, '_>, e: &mut Event) {
    e.risk.level = s.risk_level.and_then(RiskLevel::parse);
    let named = |v: View<'_, '_>| -> Vec<Text> {
        v.items()
            .filter_map(|r| r.str())
            .filter(|r| !r.eq_ignore_ascii_case("hidden") && !r.eq_ignore_ascii_case("none"))
            .map(Text::from)
            .collect()
    };
    let mut markers = named(s.risk_events);
    if markers.is_empty() {
        markers = named(s.risk_events_v1);
    }
    e.risk.markers.extend(markers);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_pick_categories() {
        assert_eq!(category_for(0), Category::SigninSuccess);
        assert_eq!(category_for(500121), Category::MfaDeny);
        assert_eq!(category_for(50074), Category::MfaChallenge);
        assert_eq!(category_for(50140), Category::Other);
        assert_eq!(category_for(50126), Category::SigninFailure);
    }
}
