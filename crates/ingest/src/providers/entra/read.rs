//! Reads the audit shapes into [`Audit`]: diagnostic records (`properties`), Graph
//! `directoryAudit` objects (the same fields at top level; docs examples write
//! `targetResource` and `Type`) and Log Analytics rows (PascalCase JSON-string columns).

use super::audit::{Actor, Audit, Prop, Target};
use crate::error::RecordError;
use crate::json::{Json, View, decode_embedded};
use crate::shape::la_column;
use crate::values::{clean_name, parse_time};
use model::Provider;

/// What a diagnostic record holds when its `category` does not say (docs/events.md §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DiagKind {
    Audit,
    Signin,
    Unknown,
}

/// Sign-in fields win: a sign-in never carries `initiatedBy`, but an audit record could name
/// an operation a sign-in also names. Audit records are known by their fields, else by an
/// operation the audit mapping lists.
pub(crate) fn diagnostic_kind(rec: View<'_, '_>) -> DiagKind {
    let p = rec.get("properties");
    let has = |k: &str| p.get(k).exists();
    let operation = rec.get("operationName").str().unwrap_or("");
    if has("createdDateTime")
        || has("authenticationDetails")
        || p.path("status.errorCode").exists()
        || operation.eq_ignore_ascii_case("Sign-in activity")
    {
        return DiagKind::Signin;
    }
    if has("initiatedBy") || has("activityDisplayName") || has("targetResources") || has("targetResource") {
        return DiagKind::Audit;
    }
    if super::audit::is_audit_activity(&clean_name(operation)) {
        return DiagKind::Audit;
    }
    DiagKind::Unknown
}

pub(crate) fn diagnostic_audit<'v>(rec: View<'v, '_>) -> Result<Audit<'v>, RecordError> {
    let p = rec.get("properties");
    let fields = Fields {
        shape: "entra.diag",
        time: p.get("activityDateTime").or_present(rec.get("time")),
        activity: p.get("activityDisplayName").or_present(rec.get("operationName")),
        initiated_by: p.get("initiatedBy"),
        targets: p.get_any(&["targetResources", "targetResource"]),
        details: p.get("additionalDetails"),
    };
    let mut audit = fields.read()?;
    audit.tenant = rec.get("tenantId").str().or(p.get("tenantId").str());
    audit.id = p.get("id").str();
    audit.correlation = p.get("correlationId").str().or(rec.get("correlationId").str());
    audit.result = p.get("result").str();
    audit.reason = p.get("resultReason").str();
    audit.ip = audit.ip.or(rec.get("callerIpAddress").str());
    audit.user_agent = audit.user_agent.or(p.get("userAgent").str());
    Ok(audit)
}

pub(crate) fn graph_audit<'v>(rec: View<'v, '_>) -> Result<Audit<'v>, RecordError> {
    let fields = Fields {
        shape: "entra.graph.audit",
        time: rec.get("activityDateTime"),
        activity: rec.get("activityDisplayName"),
        initiated_by: rec.get("initiatedBy"),
        targets: rec.get_any(&["targetResources", "targetResource"]),
        details: rec.get("additionalDetails"),
    };
    let mut audit = fields.read()?;
    audit.tenant = rec.get("tenantId").str();
    audit.id = rec.get("id").str();
    audit.correlation = rec.get("correlationId").str();
    audit.result = rec.get("result").str();
    audit.reason = rec.get("resultReason").str();
    audit.user_agent = audit.user_agent.or(rec.get("userAgent").str());
    Ok(audit)
}

/// The JSON-string columns of a Log Analytics audit row, decoded once.
pub(crate) struct LaColumns {
    initiated_by: Option<Json<'static>>,
    targets: Option<Json<'static>>,
    details: Option<Json<'static>>,
}

impl LaColumns {
    pub(crate) fn decode(rec: View<'_, '_>) -> LaColumns {
        let dec = |name: &str| la_column(rec, name).raw_str().and_then(decode_embedded);
        LaColumns {
            initiated_by: dec("InitiatedBy"),
            targets: dec("TargetResources"),
            details: dec("AdditionalDetails"),
        }
    }
}

/// A column as decoded JSON when it was a string, else as it stands.
pub(crate) fn column<'v, 'a>(rec: View<'v, 'a>, name: &str, decoded: &'v Option<Json<'static>>) -> View<'v, 'a> {
    match decoded {
        Some(json) => View::new(json).case_insensitive(rec.is_ci()),
        None => la_column(rec, name),
    }
}

pub(crate) fn la_audit<'v>(rec: View<'v, '_>, cols: &'v LaColumns) -> Result<Audit<'v>, RecordError> {
    let fields = Fields {
        shape: "entra.la.audit",
        time: la_column(rec, "ActivityDateTime").or_present(la_column(rec, "TimeGenerated")),
        activity: la_column(rec, "ActivityDisplayName").or_present(la_column(rec, "OperationName")),
        initiated_by: column(rec, "InitiatedBy", &cols.initiated_by),
        targets: column(rec, "TargetResources", &cols.targets),
        details: column(rec, "AdditionalDetails", &cols.details),
    };
    let mut audit = fields.read()?;
    audit.tenant = la_column(rec, "AADTenantId").str().or(la_column(rec, "TenantId").str());
    audit.id = la_column(rec, "Id").str();
    audit.correlation = la_column(rec, "CorrelationId").str();
    audit.result = la_column(rec, "Result").str();
    audit.reason = la_column(rec, "ResultReason").str().or(la_column(rec, "ResultDescription").str());
    audit.user_agent = audit.user_agent.or(la_column(rec, "UserAgent").str());
    Ok(audit)
}

trait OrPresent {
    fn or_present(self, other: Self) -> Self;
}

impl OrPresent for View<'_, '_> {
    fn or_present(self, other: Self) -> Self {
        if self.is_present() { self } else { other }
    }
}

/// The fields every audit shape names alike once its columns are found.
struct Fields<'v, 'a> {
    shape: &'static str,
    time: View<'v, 'a>,
    activity: View<'v, 'a>,
    initiated_by: View<'v, 'a>,
    targets: View<'v, 'a>,
    details: View<'v, 'a>,
}

impl<'v> Fields<'v, '_> {
    fn read(self) -> Result<Audit<'v>, RecordError> {
        let time =
            parse_time(self.time).map_err(|reason| RecordError::invalid(self.shape, "activityDateTime", reason))?;
        let Some(activity) = self.activity.str() else {
            let found = self.activity.type_name();
            return Err(RecordError::invalid(
                self.shape,
                "activityDisplayName",
                format!("expected a name, found {found}"),
            ));
        };
        let user = self.initiated_by.get("user");
        let app = self.initiated_by.get("app");
        let actor = Actor {
            user_id: user.get("id").str(),
            upn: user.get("userPrincipalName").str(),
            app_id: app.get("appId").str(),
            app_name: app.get("displayName").str(),
            sp_id: app.get("servicePrincipalId").str(),
            system: false,
        };
        Ok(Audit {
            provider: Provider::Entra,
            tenant: None,
            id: None,
            time,
            activity: clean_name(activity),
            correlation: None,
            result: None,
            reason: None,
            actor,
            targets: self.targets.items().map(target).collect(),
            ip: user.get("ipAddress").str(),
            user_agent: self.details.find("key", "User-Agent").get("value").str(),
        })
    }
}

fn target<'v>(t: View<'v, '_>) -> Target<'v> {
    Target {
        kind: t.get_any(&["type", "Type"]).str(),
        id: t.get("id").str(),
        upn: t.get("userPrincipalName").str(),
        name: t.get("displayName").str(),
        props: t
            .get("modifiedProperties")
            .items()
            .filter_map(|p| {
                Some(Prop {
                    name: p.get("displayName").str()?,
                    old: p.get("oldValue").str(),
                    new: p.get("newValue").str(),
                })
            })
            .collect(),
    }
}
