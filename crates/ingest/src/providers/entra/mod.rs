//! Microsoft Entra ID (docs/events.md §2). Three shapes carry the same two record kinds:
//! diagnostic-setting records (fields under `properties`), Graph objects (the same fields
//! at top level) and Log Analytics rows (PascalCase columns holding JSON strings). Each
//! shape is read into one small struct ([`Audit`], [`signin::Signin`]) and mapped once.

mod audit;
mod elevate;
mod keys;
mod policy;
mod read;
mod signin;
mod strong_auth;

pub(crate) use audit::{Actor, Audit, Prop, Target, map_audit};

use super::Result;
use crate::context::{Ctx, Relevance, contains_ignore_case};
use crate::json::View;
use model::{Event, FactorClass};

/// Entra method names → strength class (docs/events.md §10), tried top-down: `passwordless
/// phone` must be tried before `phone`, and `password` after it.
/// The kind → class table (docs/events.md §10), shared with the snapshot importers.
pub(crate) const FACTOR_TABLE: &[(&str, FactorClass)] = model::factor_kinds::ENTRA;

/// Microsoft first-party apps whose changes are the provider's own machinery (docs/events.md §0
/// "Actor relation"), never a human's or a customer app's.
const SYSTEM_APPS: [&str; 4] =
    ["Device Registration Service", "Managed Service Identity", "Azure MFA StrongAuthenticationService", "MS-PIM"];

pub(crate) fn is_system_app(name: &str) -> bool {
    SYSTEM_APPS.iter().any(|s| s.eq_ignore_ascii_case(name.trim()))
}

/// Diagnostic-setting records: `AuditLogs` or one of the five `…SignInLogs` categories.
/// Forwarders rewrite or drop the top-level `category` (`UserManagement`, nothing), so a
/// record is also known by its content: audit fields or an audit operation make it an
/// audit record, sign-in fields a sign-in. Azure activity records (`Administrative`) are read
/// only for the elevate-access operation.
pub fn diagnostic(rec: View<'_, '_>, ctx: &Ctx<'_>, out: &mut Vec<Event>) -> Result {
    let category = rec.get("category").str().unwrap_or("");
    if category.eq_ignore_ascii_case("AuditLogs") {
        let audit = read::diagnostic_audit(rec)?;
        return map_audit(&audit, ctx, out);
    }
    if ends_with_ignore_case(category, "SignInLogs") {
        let record = signin::Signin::diagnostic(rec, category);
        return signin::map_signin(&record, ctx, out);
    }
    let operation = elevate::operation(rec).unwrap_or("");
    if elevate::is_activity_operation(operation) {
        return elevate::activity_log(rec, ctx, out);
    }
    match read::diagnostic_kind(rec) {
        read::DiagKind::Audit => {
            let audit = read::diagnostic_audit(rec)?;
            map_audit(&audit, ctx, out)
        }
        read::DiagKind::Signin => {
            let record = signin::Signin::diagnostic(rec, category);
            signin::map_signin(&record, ctx, out)
        }
        read::DiagKind::Unknown => {
            let name = if category.is_empty() { operation } else { category };
            Ok(Relevance::NotRelevant(if name.is_empty() { "entra".into() } else { name.into() }))
        }
    }
}

/// Graph `directoryAudit` objects.
pub fn graph_audit(rec: View<'_, '_>, ctx: &Ctx<'_>, out: &mut Vec<Event>) -> Result {
    let audit = read::graph_audit(rec)?;
    map_audit(&audit, ctx, out)
}

/// Graph `signIn` objects.
pub fn graph_signin(rec: View<'_, '_>, ctx: &Ctx<'_>, out: &mut Vec<Event>) -> Result {
    signin::map_signin(&signin::Signin::graph(rec), ctx, out)
}

/// Log Analytics `AuditLogs` rows.
pub fn la_audit(rec: View<'_, '_>, ctx: &Ctx<'_>, out: &mut Vec<Event>) -> Result {
    let columns = read::LaColumns::decode(rec);
    let audit = read::la_audit(rec, &columns)?;
    map_audit(&audit, ctx, out)
}

/// Log Analytics `SigninLogs` (and the non-interactive, service principal and managed
/// identity tables) rows.
pub fn la_signin(rec: View<'_, '_>, ctx: &Ctx<'_>, out: &mut Vec<Event>) -> Result {
    let columns = signin::LaSigninColumns::decode(rec);
    signin::map_signin(&signin::Signin::log_analytics(rec, &columns), ctx, out)
}

pub(crate) fn ends_with_ignore_case(text: &str, suffix: &str) -> bool {
    text.len()
        .checked_sub(suffix.len())
        .and_then(|start| text.get(start..))
        .is_some_and(|t| t.eq_ignore_ascii_case(suffix))
}

pub(crate) fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.get(..prefix.len()).is_some_and(|t| t.eq_ignore_ascii_case(prefix))
}

/// A JSON-encoded string value (`"\"Global Administrator\""`) without its quotes.
pub(crate) fn unquote(text: &str) -> &str {
    let t = text.trim();
    t.strip_prefix('"').and_then(|s| s.strip_suffix('"')).unwrap_or(t).trim()
}

pub(crate) fn mentions(text: Option<&str>, needle: &str) -> bool {
    text.is_some_and(|t| contains_ignore_case(t, needle))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::classify_factor;

    #[test]
    fn passwordless_phone_is_an_app_not_a_phone() {
        assert_eq!(classify_factor("Passwordless phone sign-in", FACTOR_TABLE), FactorClass::App);
        assert_eq!(classify_factor("Mobile Phone SMS", FACTOR_TABLE), FactorClass::PossessionWeak);
        assert_eq!(classify_factor("FIDO2 security key", FACTOR_TABLE), FactorClass::PhishingResistant);
        assert_eq!(classify_factor("Password", FACTOR_TABLE), FactorClass::Unknown);
        assert_eq!(classify_factor("Microsoft Authenticator App", FACTOR_TABLE), FactorClass::App);
    }

    #[test]
    fn quoted_values_lose_their_quotes() {
        assert_eq!(unquote("\"Global Administrator\""), "Global Administrator");
        assert_eq!(unquote("plain"), "plain");
        assert_eq!(unquote("\""), "\"");
    }

    #[test]
    fn affixes_compare_without_case_or_panics() {
        assert!(ends_with_ignore_case("ManagedIdentitySignInLogs", "signinlogs"));
        assert!(!ends_with_ignore_case("é", "xx"));
        assert!(starts_with_ignore_case("User reviewed security info", "user reviewed"));
        assert!(!starts_with_ignore_case("éa", "e"));
    }
}
