//! Sigma field names onto each provider's native record. SigmaHQ writes Okta rules in
//! System Log names, CloudTrail, GitHub and OneLogin rules in theirs, Azure rules in the
//! diagnostic (`properties.*`) or Log Analytics (PascalCase) names, and Google Workspace
//! rules in Cloud Logging names; each shape resolves those against what it carries.

use crate::logsource::Service;
use ingest::json::{Json, View, decode_embedded};
use ingest::shape::{Shape, la_column};
use rsigma_eval::event::{Event, EventValue};
use simd_json::prelude::*;
use std::borrow::Cow;

/// Nesting depth walked when collecting every string of a record (keyword rules).
const MAX_DEPTH: usize = 32;

/// One native record as a Sigma event: field lookups go through its shape's mapping.
pub struct MappedRecord<'v, 'a> {
    shape: Shape,
    service: Service,
    rec: View<'v, 'a>,
}

impl<'v, 'a> MappedRecord<'v, 'a> {
    pub fn new(shape: Shape, service: Service, rec: View<'v, 'a>) -> Self {
        MappedRecord { shape, service, rec }
    }

    /// A field's value as text (for correlation group keys): strings as written, numbers
    /// and booleans in decimal, several values joined by commas.
    pub fn text(&self, field: &str) -> Option<String> {
        fn flat(v: &EventValue<'_>, out: &mut Vec<String>) {
            match v {
                EventValue::Array(items) => items.iter().for_each(|i| flat(i, out)),
                other => out.extend(other.as_str().map(|s| s.into_owned())),
            }
        }
        let value = self.get_field(field)?;
        let mut parts = Vec::new();
        flat(&value, &mut parts);
        (!parts.is_empty()).then(|| parts.join(","))
    }

    fn lookup(&self, field: &str) -> Option<EventValue<'v>> {
        match self.shape {
            Shape::OktaLogAnalytics => okta_log_analytics(self.rec, field),
            Shape::EntraDiagnostic
            | Shape::EntraGraphAudit
            | Shape::EntraGraphSignin
            | Shape::EntraLogAnalyticsAudit
            | Shape::EntraLogAnalyticsSignin => azure(self.rec, field),
            Shape::GoogleActivity => google(self.rec, self.service, field),
            Shape::M365Api | Shape::M365LogAnalytics => m365(self.rec, field),
            _ => path_value(self.rec, field, self.rec.is_ci()),
        }
    }
}

/// Azure names: an alias first (the Sigma name has no native twin), then the name as
/// written, without its `properties.` prefix, and under `properties`, case-insensitively
/// (diagnostic records are camelCase, Log Analytics rows PascalCase).
fn azure<'v>(rec: View<'v, '_>, field: &str) -> Option<EventValue<'v>> {
    let aliases: &[&str] = match field {
        "properties.message" => &["properties.activityDisplayName", "activityDisplayName", "ActivityDisplayName"],
        "Category" => &["properties.category", "Category", "category"],
        "OperationName" | "operationName" => {
            &["operationName", "properties.activityDisplayName", "activityDisplayName"]
        }
        "ResultType" => &["resultType", "properties.status.errorCode", "status.errorCode"],
        "ResultDescription" | "Resultdescription" => {
            &["resultDescription", "properties.status.failureReason", "status.failureReason"]
        }
        "OperationNameValue" => &["operationName", "properties.operationName"],
        "CategoryValue" => &["category"],
        "ResourceProviderValue" => &["properties.resourceProviderName", "resourceProviderName"],
        "Initiatedby" => &["initiatedBy", "properties.initiatedBy"],
        _ => &[],
    };
    let bare = field.strip_prefix("properties.").unwrap_or(field);
    aliases
        .iter()
        .find_map(|alias| path_value(rec, alias, true))
        .or_else(|| path_value(rec, field, true))
        .or_else(|| path_value(rec, bare, true))
        .or_else(|| path_value(rec.get("properties").case_insensitive(true), bare, true))
}

/// Okta through Log Analytics: nested names flattened with `_` and a type suffix.
fn okta_log_analytics<'v>(rec: View<'v, '_>, field: &str) -> Option<EventValue<'v>> {
    let flat = field.replace('.', "_");
    let column = la_column(rec, &flat);
    match column.node() {
        Some(node) => Some(value_of(node)),
        None => path_value(rec, field, rec.is_ci()),
    }
}

/// Google Workspace reports. SigmaHQ writes these rules in the names Cloud Logging gives
/// them (`eventService`, `protoPayload.metadata.event.eventName`); the Reports API record
/// carries the application in `id.applicationName` and the events in `events`.
fn google<'v>(rec: View<'v, '_>, service: Service, field: &str) -> Option<EventValue<'v>> {
    match field {
        "eventService" | "protoPayload.serviceName" | "protoPayload.Servicename" | "data.protoPayload.serviceName" => {
            match service {
                Service::GoogleAdmin => Some(EventValue::Str(Cow::Borrowed("admin.googleapis.com"))),
                Service::GoogleLogin => Some(EventValue::Str(Cow::Borrowed("login.googleapis.com"))),
                _ => None,
            }
        }
        "eventName" | "protoPayload.metadata.event.eventName" | "protoPayload.methodName" => {
            path_value(rec, "events.name", false)
        }
        "setting_name" => google_parameter(rec, "SETTING_NAME"),
        "new_value" => google_parameter(rec, "NEW_VALUE"),
        "old_value" => google_parameter(rec, "OLD_VALUE"),
        _ => path_value(rec, field, false),
    }
}

/// The value of a named parameter of any of the record's events (`events[].parameters[]`,
/// with `events` an array in the API and one object in some exports).
fn google_parameter<'v>(rec: View<'v, '_>, name: &str) -> Option<EventValue<'v>> {
    let events = rec.get("events");
    let list: Vec<View<'v, '_>> = if events.is_array() { events.items().collect() } else { vec![events] };
    let values: Vec<EventValue<'v>> = list
        .into_iter()
        .map(|e| e.get("parameters").find("name", name))
        .filter_map(|p| ["value", "boolValue", "intValue", "multiValue"].iter().find_map(|k| p.get(k).node()))
        .map(value_of)
        .collect();
    one_or_many(values)
}

/// The unified audit log under the names SigmaHQ's M365 rules use.
fn m365<'v>(rec: View<'v, '_>, field: &str) -> Option<EventValue<'v>> {
    let aliases: &[&str] = match field {
        "eventSource" => &["Workload", "OfficeWorkload"],
        "eventName" => &["Name", "Operation"],
        "status" => &["Status", "ResultStatus"],
        _ => &[],
    };
    aliases.iter().find_map(|alias| path_value(rec, alias, true)).or_else(|| path_value(rec, field, true))
}

/// A dotted path in the record. Arrays on the way give the values of every element; a
/// string holding JSON (Log Analytics columns) is decoded when the path goes into it; a
/// key that itself contains dots is tried whole first.
pub fn path_value<'v>(rec: View<'v, '_>, path: &str, ci: bool) -> Option<EventValue<'v>> {
    let rec = rec.case_insensitive(ci || rec.is_ci());
    if let Some(node) = rec.get(path).node() {
        return Some(value_of(node));
    }
    let root = rec.node()?;
    let mut found = Vec::new();
    walk(root, path, rec.is_ci(), &mut found);
    one_or_many(found)
}

fn one_or_many(mut values: Vec<EventValue<'_>>) -> Option<EventValue<'_>> {
    match values.len() {
        0 => None,
        1 => values.pop(),
        _ => Some(EventValue::Array(values)),
    }
}

fn walk<'v>(node: &'v Json<'_>, path: &str, ci: bool, out: &mut Vec<EventValue<'v>>) {
    if let Some(items) = node.as_array() {
        for item in items {
            walk(item, path, ci, out);
        }
        return;
    }
    let (key, rest) = match path.split_once('.') {
        Some((key, rest)) => (key, Some(rest)),
        None => (path, None),
    };
    if let Some(text) = node.as_str() {
        if let Some(decoded) = decode_embedded(text) {
            out.extend(walk_decoded(&decoded, path, ci));
        }
        return;
    }
    let Some(child) = View::new(node).case_insensitive(ci).get(key).node() else { return };
    match rest {
        None => out.push(value_of(child)),
        Some(rest) => walk(child, rest, ci, out),
    }
}

/// [`walk`] into JSON decoded from a string: the values are copied out of it.
fn walk_decoded(decoded: &Json<'static>, path: &str, ci: bool) -> Vec<EventValue<'static>> {
    let mut found = Vec::new();
    walk(decoded, path, ci, &mut found);
    found.into_iter().map(into_owned).collect()
}

/// A JSON value as Sigma sees it: strings trimmed (providers pad display names), the rest
/// as it is.
pub fn value_of<'v>(node: &'v Json<'_>) -> EventValue<'v> {
    if let Some(s) = node.as_str() {
        return EventValue::Str(Cow::Borrowed(s.trim()));
    }
    if let Some(b) = node.as_bool() {
        return EventValue::Bool(b);
    }
    if let Some(i) = node.as_i64() {
        return EventValue::Int(i);
    }
    if let Some(f) = node.as_f64() {
        return EventValue::Float(f);
    }
    if let Some(items) = node.as_array() {
        return EventValue::Array(items.iter().map(value_of).collect());
    }
    if let Some(map) = node.as_object() {
        return EventValue::Map(map.iter().map(|(k, v)| (Cow::Borrowed(k.as_ref()), value_of(v))).collect());
    }
    EventValue::Null
}

fn into_owned(value: EventValue<'_>) -> EventValue<'static> {
    match value {
        EventValue::Str(s) => EventValue::Str(Cow::Owned(s.into_owned())),
        EventValue::Int(i) => EventValue::Int(i),
        EventValue::Float(f) => EventValue::Float(f),
        EventValue::Bool(b) => EventValue::Bool(b),
        EventValue::Null => EventValue::Null,
        EventValue::Array(items) => EventValue::Array(items.into_iter().map(into_owned).collect()),
        EventValue::Map(entries) => {
            EventValue::Map(entries.into_iter().map(|(k, v)| (Cow::Owned(k.into_owned()), into_owned(v))).collect())
        }
    }
}

fn any_string(node: &Json<'_>, pred: &dyn Fn(&str) -> bool, depth: usize) -> bool {
    if depth == 0 {
        return false;
    }
    if let Some(s) = node.as_str() {
        return pred(s);
    }
    if let Some(items) = node.as_array() {
        return items.iter().any(|i| any_string(i, pred, depth - 1));
    }
    node.as_object().is_some_and(|m| m.values().any(|v| any_string(v, pred, depth - 1)))
}

fn all_strings<'v>(node: &'v Json<'_>, out: &mut Vec<Cow<'v, str>>, depth: usize) {
    if depth == 0 {
        return;
    }
    if let Some(s) = node.as_str() {
        out.push(Cow::Borrowed(s));
    } else if let Some(items) = node.as_array() {
        items.iter().for_each(|i| all_strings(i, out, depth - 1));
    } else if let Some(map) = node.as_object() {
        map.values().for_each(|v| all_strings(v, out, depth - 1));
    }
}

fn to_json(node: &Json<'_>) -> serde_json::Value {
    use serde_json::Value;
    if let Some(s) = node.as_str() {
        return Value::String(s.to_string());
    }
    if let Some(b) = node.as_bool() {
        return Value::Bool(b);
    }
    if let Some(i) = node.as_i64() {
        return Value::from(i);
    }
    if let Some(u) = node.as_u64() {
        return Value::from(u);
    }
    if let Some(f) = node.as_f64() {
        return serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number);
    }
    if let Some(items) = node.as_array() {
        return Value::Array(items.iter().map(to_json).collect());
    }
    if let Some(map) = node.as_object() {
        return Value::Object(map.iter().map(|(k, v)| (k.to_string(), to_json(v))).collect());
    }
    Value::Null
}

impl Event for MappedRecord<'_, '_> {
    fn get_field(&self, path: &str) -> Option<EventValue<'_>> {
        self.lookup(path)
    }

    fn any_string_value(&self, pred: &dyn Fn(&str) -> bool) -> bool {
        self.rec.node().is_some_and(|n| any_string(n, pred, MAX_DEPTH))
    }

    fn all_string_values(&self) -> Vec<Cow<'_, str>> {
        let mut out = Vec::new();
        if let Some(node) = self.rec.node() {
            all_strings(node, &mut out, MAX_DEPTH);
        }
        out
    }

    fn to_json(&self) -> serde_json::Value {
        self.rec.node().map_or(serde_json::Value::Null, to_json)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_record<T>(json: &str, f: impl FnOnce(View<'_, '_>) -> T) -> T {
        let mut bytes = json.as_bytes().to_vec();
        let value = simd_json::to_borrowed_value(&mut bytes).unwrap();
        f(View::new(&value))
    }

    fn text(shape: Shape, service: Service, json: &str, field: &str) -> Option<String> {
        with_record(json, |rec| MappedRecord::new(shape, service, rec).text(field))
    }

    #[test]
    fn cloudtrail_paths_are_read_as_written() {
        let rec = r#"{"eventName":"ConsoleLogin","additionalEventData":{"MFAUsed":"NO"},"responseElements":{"ConsoleLogin":"Success"}}"#;
        let ct = |f| text(Shape::CloudTrail, Service::AwsCloudTrail, rec, f);
        assert_eq!(ct("additionalEventData.MFAUsed").as_deref(), Some("NO"));
        assert_eq!(ct("responseElements.ConsoleLogin").as_deref(), Some("Success"));
        assert_eq!(ct("userIdentity.arn"), None);
    }

    #[test]
    fn azure_names_resolve_on_diagnostic_records_and_log_analytics_rows() {
        let diag = r#"{"operationName":"Update user","category":"AuditLogs","properties":{"category":"UserManagement","activityDisplayName":"Update user ","targetResources":[{"type":"User","modifiedProperties":[{"newValue":"x"}]}]}}"#;
        let d = |f| text(Shape::EntraDiagnostic, Service::AzureAudit, diag, f);
        assert_eq!(d("Category").as_deref(), Some("UserManagement"));
        assert_eq!(d("properties.message").as_deref(), Some("Update user"));
        assert_eq!(d("OperationName").as_deref(), Some("Update user"));
        assert_eq!(d("TargetResources.modifiedProperties.newValue").as_deref(), Some("x"));
        let row =
            r#"{"OperationName":"Add owner","TargetResources":"[{\"type\":\"Application\",\"displayName\":\"app\"}]"}"#;
        let la = |f| text(Shape::EntraLogAnalyticsAudit, Service::AzureAudit, row, f);
        assert_eq!(la("TargetResources.type").as_deref(), Some("Application"));
        assert_eq!(la("operationName").as_deref(), Some("Add owner"));
    }

    #[test]
    fn okta_log_analytics_columns_are_flattened_names_with_suffixes() {
        let row = r#"{"eventType_s":"system.api_token.create","actor_alternateId_s":"a@b.c"}"#;
        let o = |f| text(Shape::OktaLogAnalytics, Service::Okta, row, f);
        assert_eq!(o("eventType").as_deref(), Some("system.api_token.create"));
        assert_eq!(o("actor.alternateId").as_deref(), Some("a@b.c"));
    }

    #[test]
    fn google_rules_in_cloud_logging_names_read_reports_records() {
        let rec = r#"{"id":{"applicationName":"admin"},"events":[{"name":"CHANGE_APPLICATION_SETTING","parameters":[{"name":"SETTING_NAME","value":"ContextAwareAccess x"},{"name":"NEW_VALUE","value":"false"}]}]}"#;
        let g = |f| text(Shape::GoogleActivity, Service::GoogleAdmin, rec, f);
        assert_eq!(g("eventService").as_deref(), Some("admin.googleapis.com"));
        assert_eq!(g("eventName").as_deref(), Some("CHANGE_APPLICATION_SETTING"));
        assert_eq!(g("setting_name").as_deref(), Some("ContextAwareAccess x"));
        assert_eq!(g("new_value").as_deref(), Some("false"));
    }
}
