//! What a finding needs to know about the record a rule matched: when, which event, who it
//! is about and who acted. Taken from the events the record normalized to; records that are
//! not about identity (most CloudTrail calls) give none, so their own fields are read.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use ingest::json::View;
use ingest::shape::{Shape, la_column};
use model::{Category, Event, PrincipalKind, Provider, SourceRef, Text};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// An identity as a finding names it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Who {
    pub id: Text,
    pub name: Option<Text>,
    pub kind: PrincipalKind,
}

/// The matched record, as evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Facts {
    pub provider: Provider,
    pub tenant: Text,
    pub event_id: Text,
    pub time: DateTime<Utc>,
    pub category: Category,
    pub action: Text,
    pub source: Text,
    /// Who the finding is about: the event's subject, else the record's actor.
    pub subject: Who,
    pub actor: Option<Who>,
}

impl Facts {
    /// From the record's first event when it has one, else from the record itself.
    pub fn of(shape: Shape, rec: View<'_, '_>, at: &SourceRef, events: &[Event]) -> Option<Facts> {
        match events.first() {
            Some(event) => Some(from_event(event)),
            None => from_record(shape, rec, at),
        }
    }
}

fn who(p: &model::Principal) -> Option<Who> {
    let id = p.key()?;
    Some(Who { id: Text::from(id), name: p.name.clone(), kind: p.kind })
}

fn from_event(e: &Event) -> Facts {
    let actor = e.actor.as_ref().and_then(who);
    let subject = e.subject().and_then(who).unwrap_or_else(|| source_identity(e.provider));
    Facts {
        provider: e.provider,
        tenant: e.tenant.clone(),
        event_id: e.id.clone(),
        time: e.time,
        category: e.category,
        action: e.action.clone(),
        source: Text::from(e.source.to_string()),
        subject,
        actor,
    }
}

/// Findings on records that name nobody are about the source, as blind spots are.
fn source_identity(provider: Provider) -> Who {
    Who { id: Text::from(format!("source:{provider}")), name: None, kind: PrincipalKind::System }
}

/// Where each shape keeps its time, id, tenant, action and actor, first present wins.
struct Paths {
    time: &'static [&'static str],
    id: &'static [&'static str],
    tenant: &'static [&'static str],
    action: &'static [&'static str],
    actor: &'static [&'static str],
}

fn paths(shape: Shape) -> Paths {
    match shape {
        Shape::CloudTrail => Paths {
            time: &["eventTime"],
            id: &["eventID"],
            tenant: &["recipientAccountId", "userIdentity.accountId"],
            action: &["eventName"],
            actor: &["userIdentity.arn", "userIdentity.principalId", "userIdentity.userName"],
        },
        Shape::OktaNative | Shape::OktaLogAnalytics => Paths {
            time: &["published", "TimeGenerated"],
            id: &["uuid"],
            tenant: &[],
            action: &["eventType"],
            actor: &["actor.alternateId", "actor_alternateId", "actor.id"],
        },
        Shape::EntraDiagnostic
        | Shape::EntraGraphAudit
        | Shape::EntraGraphSignin
        | Shape::EntraLogAnalyticsAudit
        | Shape::EntraLogAnalyticsSignin => Paths {
            time: &["time", "TimeGenerated", "activityDateTime", "createdDateTime"],
            id: &["properties.id", "Id", "id", "correlationId", "CorrelationId"],
            tenant: &["tenantId", "TenantId", "AADTenantId"],
            action: &["operationName", "OperationName", "activityDisplayName"],
            actor: &["caller", "identity", "properties.initiatedBy.user.userPrincipalName", "Identity"],
        },
        Shape::M365Api | Shape::M365LogAnalytics => Paths {
            time: &["CreationTime", "TimeGenerated"],
            id: &["Id", "OfficeId"],
            tenant: &["OrganizationId", "OrganizationId_"],
            action: &["Operation"],
            actor: &["UserId", "UserKey"],
        },
        Shape::GoogleActivity => Paths {
            time: &["id.time"],
            id: &["id.uniqueQualifier"],
            tenant: &["id.customerId"],
            action: &["events.name", "name"],
            actor: &["actor.email", "actor.profileId"],
        },
        Shape::GithubAudit => Paths {
            time: &["@timestamp", "created_at"],
            id: &["_document_id"],
            tenant: &["org", "business"],
            action: &["action"],
            actor: &["actor"],
        },
        Shape::DuoAuth | Shape::DuoActivity | Shape::DuoTelephony | Shape::DuoAdmin => Paths {
            time: &["isotimestamp", "ts", "timestamp"],
            id: &["txid", "activity_id", "telephony_id"],
            tenant: &[],
            action: &["event_type", "action", "type"],
            actor: &["user.name", "username", "actor.name"],
        },
        Shape::Auth0Stream | Shape::Auth0Api => Paths {
            time: &["data.date", "date"],
            id: &["log_id", "data.log_id"],
            tenant: &["data.tenant_name", "tenant_name"],
            action: &["data.type", "type"],
            actor: &["data.user_name", "user_name", "data.user_id", "user_id"],
        },
        Shape::OneLogin => Paths {
            time: &["created_at"],
            id: &["id", "uuid"],
            tenant: &["account_id"],
            action: &["event_type_id"],
            actor: &["actor_user_name", "user_name"],
        },
    }
}

fn first_text(rec: View<'_, '_>, paths: &[&str]) -> Option<String> {
    paths.iter().find_map(|p| {
        let v = rec.path(p);
        let v = if v.exists() { v } else { la_column(rec, p) };
        let v = if v.is_array() { v.at(0) } else { v };
        v.text().map(|t| t.into_owned())
    })
}

fn from_record(shape: Shape, rec: View<'_, '_>, at: &SourceRef) -> Option<Facts> {
    let p = paths(shape);
    let provider = shape.provider();
    let time = p.time.iter().find_map(|path| parse_time(rec.path(path)))?;
    let action = first_text(rec, p.action).unwrap_or_default();
    let event_id = first_text(rec, p.id).unwrap_or_else(|| {
        // No id of its own: one from what the record says, the same on every replay.
        let digest = Sha256::digest(format!("{provider}\u{1f}{time}\u{1f}{action}\u{1f}{at}").as_bytes());
        digest.iter().take(12).map(|b| format!("{b:02x}")).collect()
    });
    let actor = first_text(rec, p.actor).map(|id| Who { id: Text::from(id), name: None, kind: PrincipalKind::Unknown });
    let subject = actor.clone().unwrap_or_else(|| source_identity(provider));
    Some(Facts {
        provider,
        tenant: Text::from(first_text(rec, p.tenant).unwrap_or_else(|| provider.as_str().to_string())),
        event_id: Text::from(event_id),
        time,
        category: Category::Other,
        action: Text::from(action),
        source: Text::from(at.to_string()),
        subject,
        actor,
    })
}

/// RFC 3339, a zone-less ISO time (read as UTC), or epoch seconds or milliseconds.
pub fn parse_time(v: View<'_, '_>) -> Option<DateTime<Utc>> {
    if let Some(text) = v.str() {
        if let Ok(t) = DateTime::parse_from_rfc3339(text) {
            return Some(t.with_timezone(&Utc));
        }
        if let Ok(t) = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f") {
            return Some(Utc.from_utc_datetime(&t));
        }
        if let Ok(t) = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f") {
            return Some(Utc.from_utc_datetime(&t));
        }
    }
    let n = v.f64()?;
    let millis = if n.abs() >= 1e11 { n } else { n * 1000.0 };
    Utc.timestamp_millis_opt(millis as i64).single()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_without_events_name_their_actor_and_keep_their_own_id() {
        let json = r#"{"eventTime":"2026-05-01T10:00:00Z","eventID":"e-1","eventName":"PutBucketPolicy","eventSource":"s3.amazonaws.com","recipientAccountId":"123","userIdentity":{"arn":"arn:aws:iam::123:user/bob"}}"#;
        let mut bytes = json.as_bytes().to_vec();
        let value = simd_json::to_borrowed_value(&mut bytes).unwrap();
        let at = SourceRef::new("t".into(), 3);
        let facts = Facts::of(Shape::CloudTrail, View::new(&value), &at, &[]).unwrap();
        assert_eq!(facts.event_id, "e-1");
        assert_eq!(facts.tenant, "123");
        assert_eq!(facts.subject.id, "arn:aws:iam::123:user/bob");
        assert_eq!(facts.action, "PutBucketPolicy");
        assert_eq!(facts.source, "t:3");
    }

    #[test]
    fn times_come_in_several_spellings() {
        let t = |json: &str| {
            let mut bytes = json.as_bytes().to_vec();
            let value = simd_json::to_borrowed_value(&mut bytes).unwrap();
            parse_time(View::new(&value).get("t")).map(|t| t.to_rfc3339())
        };
        let expected = Some("2026-05-01T10:00:00+00:00".to_string());
        assert_eq!(t(r#"{"t":"2026-05-01T10:00:00Z"}"#), expected);
        assert_eq!(t(r#"{"t":"2026-05-01T10:00:00"}"#), expected);
        assert_eq!(t(r#"{"t":1777629600000}"#), expected);
        assert_eq!(t(r#"{"t":1777629600}"#), expected);
        assert_eq!(t(r#"{"t":"soon"}"#), None);
    }
}
