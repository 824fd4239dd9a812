//! Microsoft 365 unified audit log (docs/events.md §3), from the Management Activity API
//! (`CreationTime`, `Workload`) or Log Analytics `OfficeActivity` rows. Azure AD operations
//! end in `.` (`Update user.`) and go through the Entra audit mapping; `UserLoggedIn` and
//! `UserLoginFailed` are sign-ins. Everything else is not identity-relevant here.

use super::Result;
use super::entra::{Actor, Audit, Prop, Target, map_audit};
use crate::context::{Ctx, Relevance};
use crate::error::RecordError;
use crate::json::{Json, View, decode_embedded};
use crate::shape::la_column;
use crate::values::{clean_name, derived_id, parse_time, set_address};
use model::{ActorRelation, Category, Event, Outcome, Principal, PrincipalKind, Provider, Text};
use std::borrow::Cow;

/// Management Activity API records.
pub fn api(rec: View<'_, '_>, ctx: &Ctx<'_>, out: &mut Vec<Event>) -> Result {
    let fields = Ual {
        shape: "m365.ual",
        time: rec.get("CreationTime"),
        id: rec.get("Id").str(),
        operation: rec.get("Operation").str(),
        workload: rec.get("Workload").str(),
        tenant: rec.get("OrganizationId").str(),
        user_id: rec.get("UserId").str(),
        user_key: rec.get("UserKey").str(),
        user_type: rec.get("UserType"),
        ip: rec.get("ClientIP").str().or(rec.get("ActorIpAddress").str()),
        object_id: rec.get("ObjectId").str(),
        result: rec.get("ResultStatus").str(),
        correlation: rec.get("InterSystemsId").str(),
        error_number: rec.get("ErrorNumber"),
        logon_error: rec.get("LogonError").str(),
        modified: rec.get("ModifiedProperties"),
        extended: rec.get("ExtendedProperties"),
        actors: rec.get("Actor"),
        targets: rec.get("Target"),
    };
    fields.normalize(ctx, out)
}

/// Log Analytics `OfficeActivity` rows: `TimeGenerated` is the only time (§0), nested
/// values are JSON strings.
pub fn log_analytics(rec: View<'_, '_>, ctx: &Ctx<'_>, out: &mut Vec<Event>) -> Result {
    let col = |name: &str| la_column(rec, name);
    let dec = |name: &str| col(name).raw_str().and_then(decode_embedded);
    let (modified, extended, actors, targets) =
        (dec("ModifiedProperties"), dec("ExtendedProperties"), dec("Actor"), dec("Target"));
    let fields = Ual {
        shape: "m365.la",
        time: col("TimeGenerated"),
        id: col("OfficeId").str().or(col("Id").str()),
        operation: col("Operation").str(),
        workload: col("OfficeWorkload").str(),
        tenant: col("OrganizationId").str().or(col("TenantId").str()),
        user_id: col("UserId").str(),
        user_key: col("UserKey").str(),
        user_type: col("UserType"),
        ip: col("Client_IPAddress").str().or(col("ClientIP").str()).or(col("ActorIpAddress").str()),
        object_id: col("OfficeObjectId").str().or(col("ObjectId").str()),
        result: col("ResultStatus").str(),
        correlation: col("InterSystemsId").str(),
        error_number: col("ErrorNumber"),
        logon_error: col("LogonError").str(),
        modified: embedded(rec, "ModifiedProperties", &modified),
        extended: embedded(rec, "ExtendedProperties", &extended),
        actors: embedded(rec, "Actor", &actors),
        targets: embedded(rec, "Target", &targets),
    };
    fields.normalize(ctx, out)
}

/// A column as decoded JSON when it was a string, else as it stands.
fn embedded<'v, 'a>(rec: View<'v, 'a>, name: &str, decoded: &'v Option<Json<'static>>) -> View<'v, 'a> {
    match decoded {
        Some(json) => View::new(json),
        None => la_column(rec, name),
    }
}

/// The unified-log fields both shapes carry.
struct Ual<'v, 'a> {
    shape: &'static str,
    time: View<'v, 'a>,
    id: Option<&'v str>,
    operation: Option<&'v str>,
    workload: Option<&'v str>,
    tenant: Option<&'v str>,
    user_id: Option<&'v str>,
    user_key: Option<&'v str>,
    user_type: View<'v, 'a>,
    ip: Option<&'v str>,
    object_id: Option<&'v str>,
    result: Option<&'v str>,
    correlation: Option<&'v str>,
    error_number: View<'v, 'a>,
    logon_error: Option<&'v str>,
    modified: View<'v, 'a>,
    extended: View<'v, 'a>,
    actors: View<'v, 'a>,
    targets: View<'v, 'a>,
}

/// Who `UserType` says acted: 4 / `System` is Microsoft, 5-6 an app or service principal.
#[derive(Clone, Copy, PartialEq)]
enum UserType {
    Person,
    System,
    App,
}

fn user_type(v: View<'_, '_>) -> UserType {
    match v.i64() {
        Some(4) => return UserType::System,
        Some(5 | 6) => return UserType::App,
        Some(_) => return UserType::Person,
        None => {}
    }
    match v.str() {
        Some(t) if t.eq_ignore_ascii_case("System") => UserType::System,
        Some(t) if t.eq_ignore_ascii_case("Application") || t.eq_ignore_ascii_case("ServicePrincipal") => UserType::App,
        _ => UserType::Person,
    }
}

/// `Update user.` → `Update user`, and whether the final `.` was there.
fn operation_name(op: &str) -> (Cow<'_, str>, bool) {
    let cleaned = clean_name(op);
    match cleaned {
        Cow::Borrowed(s) => match s.strip_suffix('.') {
            Some(stripped) => (Cow::Borrowed(stripped.trim_end()), true),
            None => (Cow::Borrowed(s), false),
        },
        Cow::Owned(s) => match s.strip_suffix('.') {
            Some(stripped) => (Cow::Owned(stripped.trim_end().to_string()), true),
            None => (Cow::Owned(s), false),
        },
    }
}

/// An id written as `User_<guid>` / `ServicePrincipal_<guid>` in `Actor` and `Target`.
fn typed_id<'v>(list: View<'v, '_>, prefix: &str) -> Option<&'v str> {
    list.items().filter_map(|i| i.get("ID").str()).find_map(|id| {
        id.get(..prefix.len()).filter(|p| p.eq_ignore_ascii_case(prefix)).and_then(|_| id.get(prefix.len()..))
    })
}

impl<'v> Ual<'v, '_> {
    fn normalize(&self, ctx: &Ctx<'_>, out: &mut Vec<Event>) -> Result {
        let Some(op) = self.operation else {
            return Err(RecordError::invalid(self.shape, "Operation", "expected an operation name, found nothing"));
        };
        let (name, had_dot) = operation_name(op);
        if name.eq_ignore_ascii_case("UserLoggedIn") || name.eq_ignore_ascii_case("UserLoginFailed") {
            return self.signin(&name, ctx, out);
        }
        let azure_ad = self.workload.is_some_and(|w| w.eq_ignore_ascii_case("AzureActiveDirectory"));
        if !(had_dot || azure_ad) {
            return Ok(Relevance::NotRelevant(Text::from(name.as_ref())));
        }
        let audit = self.audit(name)?;
        map_audit(&audit, ctx, out)
    }

    fn time(&self) -> std::result::Result<chrono::DateTime<chrono::Utc>, RecordError> {
        let field = if self.shape == "m365.la" { "TimeGenerated" } else { "CreationTime" };
        parse_time(self.time).map_err(|reason| RecordError::invalid(self.shape, field, reason))
    }

    fn extended(&self, name: &str) -> Option<&'v str> {
        self.extended.find("Name", name).get("Value").str()
    }

    fn audit(&self, activity: Cow<'v, str>) -> std::result::Result<Audit<'v>, RecordError> {
        let kind = user_type(self.user_type);
        let mut actor = Actor { system: kind == UserType::System, ..Actor::default() };
        if kind == UserType::App {
            actor.app_name = self.user_id;
            actor.sp_id = typed_id(self.actors, "ServicePrincipal_");
        } else {
            actor.user_id = typed_id(self.actors, "User_");
            actor.upn = self.user_id;
        }
        let user = typed_id(self.targets, "User_");
        let sp = typed_id(self.targets, "ServicePrincipal_");
        let app = typed_id(self.targets, "Application_");
        let target_kind = if user.is_some() || self.object_id.is_some_and(|o| o.contains('@')) {
            Some("User")
        } else if sp.is_some() {
            Some("ServicePrincipal")
        } else if app.is_some() {
            Some("Application")
        } else {
            None
        };
        let props = self
            .modified
            .items()
            .filter_map(|p| {
                Some(Prop { name: p.get("Name").str()?, old: p.get("OldValue").str(), new: p.get("NewValue").str() })
            })
            .collect();
        let target =
            Target { kind: target_kind, id: user.or(sp).or(app), upn: self.object_id, name: self.object_id, props };
        Ok(Audit {
            provider: Provider::M365,
            tenant: self.tenant,
            id: self.id,
            time: self.time()?,
            activity,
            correlation: self.correlation,
            result: self.result,
            reason: self.extended("ResultReason"),
            actor,
            targets: vec![target],
            ip: self.ip,
            user_agent: self.extended("UserAgent"),
        })
    }

    /// `UserLoggedIn` / `UserLoginFailed`; `ErrorNumber` 500121 is a denied MFA prompt.
    fn signin(&self, action: &str, ctx: &Ctx<'_>, out: &mut Vec<Event>) -> Result {
        let time = self.time()?;
        let failed = action.eq_ignore_ascii_case("UserLoginFailed");
        let error = self.error_number.i64().or_else(|| self.extended("ErrorNumber").and_then(|n| n.parse().ok()));
        let category = match (failed, error) {
            (_, Some(500121)) => Category::MfaDeny,
            (true, _) => Category::SigninFailure,
            (false, _) => Category::SigninSuccess,
        };
        let id: Cow<str> = match self.id {
            Some(id) => Cow::Borrowed(id),
            None => Cow::Owned(derived_id(&[&time.to_rfc3339(), action, self.user_id.unwrap_or("")])),
        };
        let mut e = ctx.event(Provider::M365, ctx.tenant(Provider::M365, self.tenant), &id, time, category, action);
        e.outcome = if failed || category == Category::MfaDeny { Outcome::Failure } else { Outcome::Success };
        e.reason = self.logon_error.map(Text::from);
        let kind = if user_type(self.user_type) == UserType::App { PrincipalKind::Nhi } else { PrincipalKind::Human };
        let user = Principal::new(typed_id(self.actors, "User_").or(self.user_key), self.user_id, kind);
        e.actor = user.clone();
        e.target = user;
        e.relation = ActorRelation::between(e.actor.as_ref(), e.target.as_ref());
        set_address(&mut e.client, self.ip);
        e.client.user_agent = self.extended("UserAgent").map(Text::from);
        e.correlation = self.correlation.map(Text::from);
        out.push(e);
        Ok(Relevance::Relevant)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(json: &str) -> Json<'static> {
        decode_embedded(json).unwrap_or_default()
    }

    #[test]
    fn user_types_read_as_numbers_or_names() {
        for (json, kind) in [("4", UserType::System), ("\"System\"", UserType::System), ("6", UserType::App)] {
            let value = parsed(&format!("[{json}]"));
            assert!(user_type(View::new(&value).at(0)) == kind, "{json}");
        }
        let regular = parsed("[\"Regular\"]");
        assert!(user_type(View::new(&regular).at(0)) == UserType::Person);
    }

    #[test]
    fn typed_ids_lose_their_prefix() {
        let list = parsed(r#"[{"ID":"bob@contoso.com","Type":5},{"ID":"User_8d3b","Type":2}]"#);
        assert_eq!(typed_id(View::new(&list), "User_"), Some("8d3b"));
        assert_eq!(typed_id(View::new(&list), "ServicePrincipal_"), None);
    }

    #[test]
    fn azure_ad_operations_lose_their_final_dot() {
        assert_eq!(operation_name("Update user."), (Cow::Borrowed("Update user"), true));
        assert_eq!(operation_name("Add member to role. "), (Cow::Borrowed("Add member to role"), true));
        assert_eq!(operation_name("MailItemsAccessed"), (Cow::Borrowed("MailItemsAccessed"), false));
        assert_eq!(operation_name("."), (Cow::Borrowed(""), true));
    }
}
