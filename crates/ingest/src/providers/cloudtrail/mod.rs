//! AWS CloudTrail (docs/events.md §4): IAM, console sign-in and STS records. Everything else
//! CloudTrail logs (EC2, S3, ...) is not about identity and is counted by event name.

mod identity;

use super::Result;
use crate::context::{Ctx, Relevance};
use crate::error::RecordError;
use crate::json::View;
use crate::values::{derived_id, parse_time, set_address};
use identity::{actor_of, factor_of, target_user};
use model::{ActorRelation, Category, Event, Outcome, Principal, PrincipalKind, Provider, Tag, Text};

const SHAPE: &str = "aws.cloudtrail";

/// What an event name means, before the record's outcome is known.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    /// A change with a fixed category, about `requestParameters.userName` (else the caller).
    Change(Category),
    /// `CreateVirtualMFADevice`: a device exists but is bound to nobody yet.
    MfaDeviceCreated,
    /// `DeleteVirtualMFADevice`: a removal only if state says the device was still bound.
    MfaDeviceDeleted,
    UpdateAccessKey,
    ConsoleLogin,
    CheckMfa,
    CredentialChallenge,
    PasswordUpdated,
    PasswordRecoveryRequested,
    /// STS calls that presented an MFA code.
    StsMfa,
}

fn kind_of(service: &str, name: &str, rec: View<'_, '_>) -> Option<Kind> {
    use Category as C;
    let kind = match (service, name) {
        ("iam", "CreateVirtualMFADevice") => Kind::MfaDeviceCreated,
        ("iam", "EnableMFADevice") => Kind::Change(C::FactorAdd),
        ("iam", "DeactivateMFADevice") => Kind::Change(C::FactorRemove),
        ("iam", "DeleteVirtualMFADevice") => Kind::MfaDeviceDeleted,
        ("iam", "ResyncMFADevice") => Kind::Change(C::FactorUpdate),
        ("iam", "CreateLoginProfile" | "UpdateLoginProfile") => Kind::Change(C::PasswordReset),
        ("iam", "ChangePassword") => Kind::Change(C::PasswordChange),
        (
            "iam",
            "CreateAccessKey" | "CreateServiceSpecificCredential" | "UploadSSHPublicKey" | "UploadSigningCertificate",
        ) => Kind::Change(C::SecretIssue),
        ("iam", "DeleteAccessKey") => Kind::Change(C::SecretRevoke),
        ("iam", "UpdateAccessKey") => Kind::UpdateAccessKey,
        (
            "iam",
            "AttachUserPolicy"
            | "AttachGroupPolicy"
            | "AttachRolePolicy"
            | "PutUserPolicy"
            | "PutGroupPolicy"
            | "PutRolePolicy"
            | "AddUserToGroup"
            | "CreatePolicyVersion"
            | "UpdateAssumeRolePolicy",
        ) => Kind::Change(C::RoleGrant),
        // The mirror of each grant: managed policies detached, inline policies deleted.
        (
            "iam",
            "DetachUserPolicy"
            | "DetachGroupPolicy"
            | "DetachRolePolicy"
            | "DeleteUserPolicy"
            | "DeleteGroupPolicy"
            | "DeleteRolePolicy"
            | "RemoveUserFromGroup",
        ) => Kind::Change(C::RoleRevoke),
        ("signin", "ConsoleLogin") => Kind::ConsoleLogin,
        ("signin", "CheckMfa") => Kind::CheckMfa,
        ("signin", "CredentialChallenge") => Kind::CredentialChallenge,
        ("signin", "PasswordUpdated") => Kind::PasswordUpdated,
        ("signin", "PasswordRecoveryRequested") => Kind::PasswordRecoveryRequested,
        ("sts", n) if (n.starts_with("AssumeRole") || n == "GetSessionToken") => {
            // Without an MFA serial these are ordinary credential exchanges.
            rec.path("requestParameters.serialNumber").str()?;
            Kind::StsMfa
        }
        _ => return None,
    };
    Some(kind)
}

pub fn normalize(rec: View<'_, '_>, ctx: &Ctx<'_>, out: &mut Vec<Event>) -> Result {
    let source = rec.get("eventSource").str().unwrap_or_default();
    let service = source.strip_suffix(".amazonaws.com").unwrap_or(source);
    let Some(name) = rec.get("eventName").str() else {
        return Err(RecordError::invalid(
            SHAPE,
            "eventName",
            format!("expected a string, found {}", rec.get("eventName").type_name()),
        ));
    };
    let Some(kind) = kind_of(service, name, rec) else {
        return Ok(Relevance::NotRelevant(Text::from(name)));
    };

    // Logstash copies carry only `@timestamp` (arrival time); use it only without `eventTime`.
    let time_field = rec.get_any(&["eventTime", "@timestamp"]);
    if !time_field.is_present() {
        return Err(RecordError::invalid(SHAPE, "eventTime", "expected an RFC 3339 time, found nothing"));
    }
    let time = parse_time(time_field).map_err(|reason| RecordError::invalid(SHAPE, "eventTime", reason))?;

    let ident = rec.get("userIdentity");
    let account = rec.get("recipientAccountId").str().or_else(|| ident.get("accountId").str());
    let tenant = ctx.tenant(Provider::Aws, account);
    let id: Text = match rec.get("eventID").str() {
        Some(id) => Text::from(id),
        // `eventVersion` 1.0 records have no id.
        None => Text::from(derived_id(&[
            time_field.raw_str().unwrap_or_default(),
            source,
            name,
            ident.get("arn").str().or_else(|| ident.get("principalId").str()).unwrap_or_default(),
            rec.get("sourceIPAddress").str().unwrap_or_default(),
        ])),
    };

    let actor = actor_of(ident, rec, account);
    let error = rec.get("errorCode").str();
    let (category, outcome) = category_and_outcome(kind, rec, error);

    let mut e = ctx.event(Provider::Aws, tenant, &id, time, category, name);
    e.outcome = outcome;
    e.reason = rec.get("errorMessage").str().or(error).map(Text::from);
    set_address(&mut e.client, rec.get("sourceIPAddress").str());
    e.client.user_agent = rec.get("userAgent").str().map(Text::from);
    e.session = ident.get("accessKeyId").str().map(Text::from);
    e.correlation = rec.get("sharedEventID").str().or_else(|| rec.get("requestID").str()).map(Text::from);
    e.factor = factor_of(rec);
    if kind == Kind::CredentialChallenge && e.factor.is_none() {
        e.factor = identity::credential_factor(rec);
    }

    let params = rec.get("requestParameters");
    let target = match kind {
        // Sign-ins and MFA checks are about the caller; the role assumed is the object.
        Kind::ConsoleLogin | Kind::CheckMfa | Kind::CredentialChallenge | Kind::PasswordUpdated | Kind::StsMfa => {
            if kind == Kind::StsMfa {
                e.object = params.get("roleArn").str().map(Text::from);
            }
            actor.clone()
        }
        Kind::PasswordRecoveryRequested => actor.clone(),
        // A virtual device is created unbound and deleted by serial: no user is named.
        Kind::MfaDeviceCreated | Kind::MfaDeviceDeleted => None,
        _ => change_target(category, params, rec, &actor, account, &mut e),
    };
    if kind == Kind::MfaDeviceCreated {
        e.tags.push(Tag::MfaDeviceCreated);
    }
    if kind == Kind::PasswordRecoveryRequested {
        e.tags.push(Tag::RecoveryRequested);
    }
    if kind == Kind::ConsoleLogin
        && rec.path("additionalEventData.MFAUsed").str().is_some_and(|v| v.eq_ignore_ascii_case("yes"))
    {
        e.tags.push(Tag::MfaUsed);
    }
    e.relation = match actor.as_ref().map(|a| a.kind) {
        Some(PrincipalKind::System) => ActorRelation::System,
        _ => ActorRelation::between(actor.as_ref(), target.as_ref()),
    };
    e.actor = actor;
    e.target = target;
    out.push(e);
    Ok(Relevance::Relevant)
}

fn category_and_outcome(kind: Kind, rec: View<'_, '_>, error: Option<&str>) -> (Category, Outcome) {
    let failed = error.is_some();
    let said = |path: &str| match rec.path(path).str() {
        Some(v) if v.eq_ignore_ascii_case("success") => Outcome::Success,
        Some(_) => Outcome::Failure,
        None if failed => Outcome::Failure,
        None => Outcome::Unknown,
    };
    let api = if failed { Outcome::Failure } else { Outcome::Success };
    match kind {
        Kind::Change(c) => (c, api),
        Kind::MfaDeviceCreated | Kind::MfaDeviceDeleted => (Category::Other, api),
        Kind::UpdateAccessKey => {
            let inactive =
                rec.path("requestParameters.status").str().is_some_and(|s| s.eq_ignore_ascii_case("inactive"));
            (if inactive { Category::SecretRevoke } else { Category::SecretIssue }, api)
        }
        Kind::ConsoleLogin => {
            let o = said("responseElements.ConsoleLogin");
            (if o == Outcome::Failure { Category::SigninFailure } else { Category::SigninSuccess }, o)
        }
        Kind::CheckMfa => {
            let o = said("responseElements.CheckMfa");
            (if o == Outcome::Failure { Category::MfaDeny } else { Category::MfaChallenge }, o)
        }
        Kind::CredentialChallenge => {
            let o = said("serviceEventDetails.CredentialChallenge");
            let password =
                rec.path("additionalEventData.CredentialType").str().is_none_or(|t| t.eq_ignore_ascii_case("password"));
            let category = match (password, o == Outcome::Failure) {
                (true, false) => Category::Other,
                (true, true) => Category::SigninFailure,
                (false, false) => Category::MfaChallenge,
                (false, true) => Category::MfaDeny,
            };
            (category, o)
        }
        Kind::PasswordUpdated => (Category::PasswordChange, said("responseElements.PasswordUpdated")),
        Kind::PasswordRecoveryRequested => (Category::Other, said("responseElements.PasswordRecoveryRequested")),
        Kind::StsMfa => (if failed { Category::MfaDeny } else { Category::MfaChallenge }, api),
    }
}

/// The identity an IAM change is about, and the role, policy or secret it touched.
fn change_target(
    category: Category,
    params: View<'_, '_>,
    rec: View<'_, '_>,
    actor: &Option<Principal>,
    account: Option<&str>,
    e: &mut Event,
) -> Option<Principal> {
    let created_key = rec.path("responseElements.accessKey");
    e.object = match category {
        Category::RoleGrant | Category::RoleRevoke => {
            params.get_any(&["policyArn", "policyName", "groupName"]).str().map(Text::from)
        }
        Category::SecretIssue | Category::SecretRevoke => params
            .get_any(&["accessKeyId", "serviceSpecificCredentialId", "sSHPublicKeyId", "certificateId"])
            .str()
            .or_else(|| created_key.get("accessKeyId").str())
            .or_else(|| rec.path("responseElements.serviceSpecificCredential.serviceSpecificCredentialId").str())
            .map(Text::from),
        _ => None,
    };
    if let Some(user) = params.get("userName").str().or_else(|| created_key.get("userName").str()) {
        return Some(target_user(user, account));
    }
    if let Some(role) = params.get("roleName").str() {
        return Principal::new(None, Some(role), PrincipalKind::Nhi);
    }
    if params.get("groupName").is_present() {
        // A group's policy changes many identities; none of them is the target.
        return None;
    }
    // No user named: the caller acted on itself.
    actor.clone().filter(|a| a.kind != PrincipalKind::System)
}
