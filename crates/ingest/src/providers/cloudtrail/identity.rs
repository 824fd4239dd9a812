//! Who a CloudTrail record names: the caller from `userIdentity`, the user a change is
//! about, and the MFA device it used or changed.

use crate::context::classify_factor;
use crate::json::View;
use model::{Factor, FactorClass, Principal, PrincipalKind, Text};

/// docs/events.md §10, AWS column: device ARNs say `:u2f/` (FIDO) or `:mfa/` (virtual, TOTP app);
/// `arn:aws:iam::…:mfa` without a name is a virtual device too.
/// The kind → class table (docs/events.md §10), shared with the snapshot importers.
const FACTORS: &[(&str, FactorClass)] = model::factor_kinds::AWS;

/// The name IAM writes for the root user in `requestParameters.userName`.
const ROOT_USER: &str = "AWS ROOT USER";

/// The strength class of an MFA device serial. A serial that is not an ARN is a hardware
/// TOTP token's printed serial number.
pub fn classify_serial(serial: &str) -> FactorClass {
    if !serial.starts_with("arn:") && serial.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return FactorClass::PossessionWeak;
    }
    classify_factor(serial, FACTORS)
}

/// A short kind label for a device serial, matching the `MfaType` names sign-in events use.
fn kind_label(serial: &str) -> &'static str {
    match classify_serial(serial) {
        FactorClass::PhishingResistant => "U2F MFA",
        FactorClass::App => "Virtual MFA",
        FactorClass::PossessionWeak => "Hardware MFA",
        _ => "MFA",
    }
}

pub fn factor_of(rec: View<'_, '_>) -> Option<Factor> {
    let serial = rec
        .path("requestParameters.serialNumber")
        .str()
        .or_else(|| rec.path("responseElements.virtualMFADevice.serialNumber").str())
        .or_else(|| rec.path("additionalEventData.MFAIdentifier").str());
    let mfa_type = rec.path("additionalEventData.MfaType").str();
    if serial.is_none() && mfa_type.is_none() {
        return None;
    }
    let (kind, class) = match (mfa_type, serial) {
        (Some(t), _) => (t, classify_factor(t, FACTORS)),
        (None, Some(s)) => (kind_label(s), classify_serial(s)),
        (None, None) => return None,
    };
    Some(Factor { kind: Some(Text::from(kind)), class, id: serial.map(Text::from), name: None })
}

/// The second factor an Identity Center `CredentialChallenge` asked for; passwords are not factors.
pub fn credential_factor(rec: View<'_, '_>) -> Option<Factor> {
    let kind = rec.path("additionalEventData.CredentialType").str().filter(|t| !t.eq_ignore_ascii_case("password"))?;
    Some(Factor { kind: Some(Text::from(kind)), class: classify_factor(kind, FACTORS), id: None, name: None })
}

/// The root user of an account; `AWS ROOT USER` targets and `Root` callers meet here.
pub fn root(account: Option<&str>) -> Principal {
    let id = account.map(|a| {
        let mut arn = Text::from("arn:aws:iam::");
        arn.push_str(a);
        arn.push_str(":root");
        arn
    });
    Principal { id, name: Some(Text::from("root")), kind: PrincipalKind::Human }
}

/// The IAM user a change names by `userName`.
pub fn target_user(user: &str, account: Option<&str>) -> Principal {
    if user.eq_ignore_ascii_case(ROOT_USER) {
        return root(account);
    }
    Principal { id: None, name: Some(Text::from(user)), kind: PrincipalKind::Human }
}

/// Whether AWS itself acted: a service identity, a call a service made on someone's
/// behalf (`invokedBy`, except the console sign-in proxy, which is the user), or a
/// service-linked role.
fn is_system(ident: View<'_, '_>, rec: View<'_, '_>) -> bool {
    let kind = ident.get("type").str();
    if kind == Some("AWSService") {
        return true;
    }
    if kind.is_none() && rec.get("eventType").str() == Some("AwsServiceEvent") {
        return true;
    }
    if ident.get("invokedBy").str().is_some_and(|by| !by.eq_ignore_ascii_case("signin.amazonaws.com")) {
        return true;
    }
    let issuer = ident.path("sessionContext.sessionIssuer.arn").str().unwrap_or_default();
    let arn = ident.get("arn").str().unwrap_or_default();
    issuer.contains("/aws-service-role/") || arn.contains("/aws-service-role/")
}

/// The caller: immutable `principalId` (or Identity Center user id) as id, the user name
/// or ARN as name.
pub fn actor_of(ident: View<'_, '_>, rec: View<'_, '_>, account: Option<&str>) -> Option<Principal> {
    if is_system(ident, rec) {
        let by = ident.get("invokedBy").str();
        let name = by.or_else(|| ident.get("arn").str()).or_else(|| rec.get("eventSource").str());
        return Principal::new(ident.get("principalId").str(), name, PrincipalKind::System);
    }
    let principal_id = ident.get("principalId").str();
    let arn = ident.get("arn").str();
    match ident.get("type").str().unwrap_or_default() {
        "Root" => Some(root(ident.get("accountId").str().or(account))),
        "IAMUser" => {
            let name = ident.get("userName").str().or_else(|| arn.and_then(|a| a.rsplit_once('/').map(|(_, n)| n)));
            Principal::new(principal_id, name, PrincipalKind::Human)
        }
        "IdentityCenterUser" => Principal::new(
            ident.path("onBehalfOf.userId").str(),
            rec.path("additionalEventData.UserName").str(),
            PrincipalKind::Human,
        ),
        "SAMLUser" | "FederatedUser" => {
            Principal::new(principal_id, ident.get("userName").str().or(arn), PrincipalKind::Human)
        }
        // Roles are assumed by people and machines alike; the session name does not say which.
        _ => Principal::new(principal_id.or(arn), arn.or(ident.get("accountId").str()), PrincipalKind::Unknown),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_arns_classify_by_their_path() {
        let serial = classify_serial;
        assert_eq!(serial("arn:aws:iam::111122223333:u2f/user/anaya/default-AAAA"), FactorClass::PhishingResistant);
        assert_eq!(serial("arn:aws:iam::111122223333:mfa/root-account-mfa-device"), FactorClass::App);
        assert_eq!(serial("arn:aws:iam::777788889999:mfa"), FactorClass::App);
        assert_eq!(serial("GAHT12345678"), FactorClass::PossessionWeak);
    }

    #[test]
    fn mfa_type_names_classify_with_multiple_devices_unknown() {
        let kind = |t: &str| classify_factor(t, FACTORS);
        assert_eq!(kind("U2F MFA"), FactorClass::PhishingResistant);
        assert_eq!(kind("Virtual MFA"), FactorClass::App);
        assert_eq!(kind("Multiple MFA Devices"), FactorClass::Unknown);
        assert_eq!(kind("TOTP"), FactorClass::App);
    }

    #[test]
    fn root_user_name_and_root_caller_are_one_identity() {
        let target = target_user("AWS ROOT USER", Some("111122223333"));
        let caller = root(Some("111122223333"));
        assert!(caller.same_as(&target));
        assert_eq!(target.id.as_deref(), Some("arn:aws:iam::111122223333:root"));
    }
}
