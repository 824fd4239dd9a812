//! Which provider shape a record is in, by the fingerprints of docs/events.md §0: first match
//! wins; keys are matched exactly, then case-insensitively for lower-cased exports.

use crate::json::View;
use model::Provider;

/// The native record formats factorwatch reads, one per provider and export path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Shape {
    /// Okta System Log, as the API and event hooks write it.
    OktaNative,
    /// Okta System Log forwarded to Log Analytics (`Okta_CL`).
    OktaLogAnalytics,
    /// Entra ID diagnostic settings export (`records` of audit or sign-in logs).
    EntraDiagnostic,
    /// Microsoft Graph `directoryAudits`.
    EntraGraphAudit,
    /// Microsoft Graph `signIns`.
    EntraGraphSignin,
    /// Entra audit logs in Log Analytics (`AuditLogs`).
    EntraLogAnalyticsAudit,
    /// Entra sign-in logs in Log Analytics (`SigninLogs`).
    EntraLogAnalyticsSignin,
    /// The Office 365 Management Activity API.
    M365Api,
    /// Microsoft 365 audit records in Log Analytics (`OfficeActivity`).
    M365LogAnalytics,
    /// An AWS CloudTrail record.
    CloudTrail,
    /// A Google Workspace Reports API activity.
    GoogleActivity,
    /// A GitHub organization or enterprise audit log entry.
    GithubAudit,
    /// A Duo authentication log entry.
    DuoAuth,
    /// A Duo activity log entry.
    DuoActivity,
    /// A Duo telephony log entry.
    DuoTelephony,
    /// A Duo administrator action log entry.
    DuoAdmin,
    /// An Auth0 log stream event (`{log_id, data}`).
    Auth0Stream,
    /// An Auth0 log from the Management API.
    Auth0Api,
    /// A OneLogin event.
    OneLogin,
}

impl Shape {
    /// The provider that writes records of this shape.
    pub fn provider(self) -> Provider {
        match self {
            Shape::OktaNative | Shape::OktaLogAnalytics => Provider::Okta,
            Shape::EntraDiagnostic
            | Shape::EntraGraphAudit
            | Shape::EntraGraphSignin
            | Shape::EntraLogAnalyticsAudit
            | Shape::EntraLogAnalyticsSignin => Provider::Entra,
            Shape::M365Api | Shape::M365LogAnalytics => Provider::M365,
            Shape::CloudTrail => Provider::Aws,
            Shape::GoogleActivity => Provider::Google,
            Shape::GithubAudit => Provider::Github,
            Shape::DuoAuth | Shape::DuoActivity | Shape::DuoTelephony | Shape::DuoAdmin => Provider::Duo,
            Shape::Auth0Stream | Shape::Auth0Api => Provider::Auth0,
            Shape::OneLogin => Provider::Onelogin,
        }
    }
}

/// Log Analytics suffixes a column's type onto its name (`published_t`, `uuid_g`).
const LA_SUFFIXES: [&str; 5] = ["_s", "_d", "_b", "_t", "_g"];

/// A Log Analytics column by its base name, with or without the type suffix.
pub fn la_column<'v, 'a>(rec: View<'v, 'a>, base: &str) -> View<'v, 'a> {
    let exact = rec.get(base);
    if exact.exists() {
        return exact;
    }
    let mut name = String::with_capacity(base.len() + 2);
    for suffix in LA_SUFFIXES {
        name.clear();
        name.push_str(base);
        name.push_str(suffix);
        let v = rec.get(&name);
        if v.exists() {
            return v;
        }
    }
    View::missing().case_insensitive(rec.is_ci())
}

/// The shape of a record, and whether it matched only case-insensitively.
pub fn detect(rec: View<'_, '_>) -> Option<(Shape, bool)> {
    if !rec.is_object() {
        return None;
    }
    if let Some(shape) = fingerprint(rec) {
        return Some((shape, false));
    }
    fingerprint(rec.case_insensitive(true)).map(|shape| (shape, true))
}

fn fingerprint(r: View<'_, '_>) -> Option<Shape> {
    let has = |k: &str| r.get(k).exists();
    let obj = |k: &str| r.get(k).is_object();

    if has("eventType") && obj("actor") && (has("published") || has("uuid")) {
        return Some(Shape::OktaNative);
    }
    if la_column(r, "eventType").exists()
        && (la_column(r, "actor_alternateId").exists() || r.get("Type").raw_str() == Some("Okta_CL"))
    {
        return Some(Shape::OktaLogAnalytics);
    }
    // Forwarders rewrite or drop `category`; audit or sign-in fields under `properties` still
    // say what the record is.
    if has("operationName")
        && obj("properties")
        && (has("category")
            || ["initiatedBy", "activityDisplayName", "createdDateTime"]
                .iter()
                .any(|k| r.path("properties").get(k).exists()))
    {
        return Some(Shape::EntraDiagnostic);
    }
    if !has("properties") {
        if has("activityDisplayName") && has("initiatedBy") {
            return Some(Shape::EntraGraphAudit);
        }
        if has("createdDateTime") && has("userPrincipalName") && has("status") {
            return Some(Shape::EntraGraphSignin);
        }
    }
    // Log Analytics rows are PascalCase; match them exactly so lower-cased Graph exports
    // are not mistaken for them.
    if !r.is_ci() {
        if has("OperationName") && (has("InitiatedBy") || has("TargetResources")) {
            return Some(Shape::EntraLogAnalyticsAudit);
        }
        if has("ResultType") && has("UserPrincipalName") {
            return Some(Shape::EntraLogAnalyticsSignin);
        }
    }
    if has("Operation") && has("Workload") && has("CreationTime") {
        return Some(Shape::M365Api);
    }
    if has("Operation") && has("OfficeWorkload") {
        return Some(Shape::M365LogAnalytics);
    }
    if has("eventSource") && has("eventName") && has("userIdentity") {
        return Some(Shape::CloudTrail);
    }
    if r.path("id.applicationName").exists() && (has("events") || has("name")) {
        return Some(Shape::GoogleActivity);
    }
    if r.get("action").str().is_some_and(|a| a.contains('.'))
        && has("actor")
        && (has("@timestamp") || has("created_at"))
    {
        return Some(Shape::GithubAudit);
    }
    if has("txid") && has("factor") {
        return Some(Shape::DuoAuth);
    }
    if has("activity_id") {
        return Some(Shape::DuoActivity);
    }
    if has("telephony_id") {
        return Some(Shape::DuoTelephony);
    }
    if has("action") && has("username") && has("timestamp") && has("object") {
        return Some(Shape::DuoAdmin);
    }
    if has("log_id") && r.path("data.type").exists() {
        return Some(Shape::Auth0Stream);
    }
    if has("log_id") && has("type") && has("date") {
        return Some(Shape::Auth0Api);
    }
    if has("event_type_id") {
        return Some(Shape::OneLogin);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape_of(json: &str) -> Option<(Shape, bool)> {
        let mut bytes = json.as_bytes().to_vec();
        let value = simd_json::to_borrowed_value(&mut bytes).ok()?;
        detect(View::new(&value))
    }

    #[test]
    fn okta_native_needs_an_actor_object() {
        assert_eq!(
            shape_of(r#"{"eventType":"user.session.start","actor":{},"published":"x"}"#),
            Some((Shape::OktaNative, false))
        );
        assert_eq!(shape_of(r#"{"eventType":"user.session.start","actor":"bob","published":"x"}"#), None);
    }

    #[test]
    fn lower_cased_exports_match_case_insensitively() {
        assert_eq!(
            shape_of(r#"{"eventsource":"iam.amazonaws.com","eventname":"EnableMFADevice","useridentity":{}}"#),
            Some((Shape::CloudTrail, true))
        );
    }

    #[test]
    fn log_analytics_suffixes_are_stripped() {
        assert_eq!(
            shape_of(r#"{"eventType_s":"user.session.start","actor_alternateId_s":"a@b.c"}"#),
            Some((Shape::OktaLogAnalytics, false))
        );
    }

    #[test]
    fn github_actions_need_a_dot() {
        assert_eq!(
            shape_of(r#"{"action":"org.add_member","actor":"octocat","created_at":1}"#),
            Some((Shape::GithubAudit, false))
        );
        assert_eq!(shape_of(r#"{"action":"login","actor":"octocat","created_at":1}"#), None);
    }
}
