//! AWS `aws iam list-mfa-devices` (`MFADevices`: `UserName`, `SerialNumber`, `EnableDate`)
//! and `aws iam list-virtual-mfa-devices` (`VirtualMFADevices`, each with its `User` when
//! assigned) (docs/graph-import.md "Factor snapshots"). The account comes from `account` at
//! the top level (a team's wrapper), else from the devices' ARNs.

use super::field::{s, sp, time};
use super::snapshot::{Ctx, factor};
use crate::factors::ListedFactor;
use crate::graph::{Graph, NodeKind};
use model::Provider;
use serde_json::Value;
use std::collections::BTreeMap;

pub const NAME: &str = "aws iam list-mfa-devices";
const P: Provider = Provider::Aws;

pub fn matches(doc: &Value) -> bool {
    ["MFADevices", "VirtualMFADevices"].iter().any(|k| doc.get(*k).is_some_and(Value::is_array))
}

pub fn import(graph: &mut Graph, doc: &Value, ctx: &Ctx<'_>) -> Result<(), String> {
    let mut per_user: BTreeMap<String, Vec<ListedFactor>> = BTreeMap::new();
    let mut account = s(doc, "account").map(str::to_string);
    for d in super::field::list(doc, "MFADevices")? {
        let (Some(user), Some(serial)) = (s(d, "UserName"), s(d, "SerialNumber")) else { continue };
        account = account.or_else(|| account_of(serial));
        per_user.entry(user.to_string()).or_default().push(device(serial, time(d, "EnableDate")));
    }
    for d in super::field::list(doc, "VirtualMFADevices")? {
        // An unassigned virtual device protects no one.
        let (Some(user), Some(serial)) = (sp(d, &["User", "UserName"]), s(d, "SerialNumber")) else { continue };
        account = account.or_else(|| account_of(serial));
        per_user.entry(user.to_string()).or_default().push(device(serial, time(d, "EnableDate")));
    }
    let account = account.unwrap_or_else(|| P.as_str().to_string());
    // Both lists dated alike: a device in both is one factor.
    let source = if doc.get("VirtualMFADevices").is_some() { "aws iam list-virtual-mfa-devices" } else { NAME };
    for (user, factors) in per_user {
        let node = match graph.find_identity(Some(P), Some(&account), &user) {
            Some(node) => node,
            None => graph.ensure(P, &account, NodeKind::Human, &user, &user),
        };
        graph.list_factors(node, source, ctx.time, factors);
    }
    Ok(())
}

/// A device by serial: an ARN names a virtual (`:mfa/`) or FIDO (`:u2f/`) device; anything
/// else is a hardware TOTP token's printed serial. Kinds are the `MfaType` names sign-in
/// events use.
fn device(serial: &str, enabled: Option<chrono::DateTime<chrono::Utc>>) -> ListedFactor {
    let hardware = !serial.starts_with("arn:") && serial.bytes().all(|b| b.is_ascii_alphanumeric());
    let class_text = if hardware { "hardware" } else { serial };
    let kind = match model::factor_kinds::classify_kind(P, class_text) {
        model::FactorClass::PhishingResistant => "U2F MFA",
        model::FactorClass::App => "Virtual MFA",
        model::FactorClass::PossessionWeak => "Hardware MFA",
        _ => "MFA",
    };
    factor(P, kind, Some(class_text), Some(serial), None, enabled)
}

/// The account id in an IAM ARN (`arn:aws:iam::123456789012:mfa/alice`).
fn account_of(arn: &str) -> Option<String> {
    let account = arn.strip_prefix("arn:")?.split(':').nth(3)?;
    (!account.is_empty()).then(|| account.to_string())
}
