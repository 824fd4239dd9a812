//! The ordered plan that closes an incident's persistence path, not just the password
//! (docs/detection-contract.md §8): revoke sessions, remove factors bound since the
//! first evidence, revert recovery changes, rotate issued secrets, reset the password last,
//! then re-enroll under approval. Each step names the provider call that performs it.

use crate::engine::TENANT_IDENTITY;
use crate::state::IdentityState;
use chrono::{DateTime, Utc};
use model::{FindingIdentity, Provider, RemediationAction as Action, RemediationStep, Text};

/// The call that performs an action at a provider (documented public APIs).
fn api(provider: Provider, action: Action) -> &'static str {
    use Action::*;
    match (provider, action) {
        (_, RestorePolicy) => "review and revert the policy change at the provider",
        (_, RestoreLogSource) => "re-enable audit log export at the provider and check the collector",
        (Provider::Okta, RevokeSessions) => "DELETE /api/v1/users/{id}/sessions?oauthTokens=true",
        (Provider::Okta, RemoveFactor) => "DELETE /api/v1/users/{id}/factors/{factorId}",
        (Provider::Okta, RevertRecovery) => {
            "POST /api/v1/users/{id} (profile.email, profile.mobilePhone, recovery_question)"
        }
        (Provider::Okta, RotateSecret) => "DELETE /api/v1/api-tokens/{apiTokenId}",
        (Provider::Okta, ResetPassword) => "POST /api/v1/users/{id}/lifecycle/reset_password?sendEmail=true",
        (Provider::Okta, RequireReenrollment) => "POST /api/v1/users/{id}/factors (after approval)",
        (Provider::Entra | Provider::M365, RevokeSessions) => "POST /v1.0/users/{id}/revokeSignInSessions",
        (Provider::Entra | Provider::M365, RemoveFactor) => {
            "DELETE /v1.0/users/{id}/authentication/{methodType}Methods/{methodId}"
        }
        (Provider::Entra | Provider::M365, RevertRecovery) => {
            "DELETE /v1.0/users/{id}/authentication/phoneMethods/{id} or emailMethods/{id}"
        }
        (Provider::Entra | Provider::M365, RotateSecret) => {
            "POST /v1.0/applications/{id}/removePassword or servicePrincipals/{id}/removeKey"
        }
        (Provider::Entra | Provider::M365, ResetPassword) => {
            "POST /v1.0/users/{id}/authentication/methods/{passwordMethodId}/resetPassword"
        }
        (Provider::Entra | Provider::M365, RequireReenrollment) => {
            "POST /v1.0/users/{id}/authentication/temporaryAccessPassMethods (after approval)"
        }
        (Provider::Aws, RevokeSessions) => {
            "iam:PutUserPolicy AWSRevokeOlderSessions (deny aws:TokenIssueTime before now)"
        }
        (Provider::Aws, RemoveFactor) => "iam:DeactivateMFADevice, then iam:DeleteVirtualMFADevice",
        (Provider::Aws, RevertRecovery) => "account:PutAlternateContact (review the account's contacts)",
        (Provider::Aws, RotateSecret) => "iam:UpdateAccessKey --status Inactive, then iam:DeleteAccessKey",
        (Provider::Aws, ResetPassword) => "iam:UpdateLoginProfile --password-reset-required",
        (Provider::Aws, RequireReenrollment) => "iam:EnableMFADevice (after approval)",
        (Provider::Google, RevokeSessions) => "POST /admin/directory/v1/users/{userKey}/signOut",
        (Provider::Google, RemoveFactor) => "POST /admin/directory/v1/users/{userKey}/twoStepVerification/turnOff",
        (Provider::Google, RevertRecovery) => "PUT /admin/directory/v1/users/{userKey} (recoveryEmail, recoveryPhone)",
        (Provider::Google, RotateSecret) => {
            "DELETE /admin/directory/v1/users/{userKey}/asps/{codeId} and /tokens/{clientId}"
        }
        (Provider::Google, ResetPassword) => {
            "PUT /admin/directory/v1/users/{userKey} (password, changePasswordAtNextLogin)"
        }
        (Provider::Google, RequireReenrollment) => "user enrolls 2-Step Verification again (after approval)",
        (Provider::Github, RevokeSessions) => "DELETE /orgs/{org}/credential-authorizations/{credential_id}",
        (Provider::Github, RemoveFactor) => {
            "no API: the user removes the factor; meanwhile DELETE /orgs/{org}/members/{username}"
        }
        (Provider::Github, RevertRecovery) => "no API: the user regenerates recovery codes",
        (Provider::Github, RotateSecret) => "POST /orgs/{org}/personal-access-tokens/{pat_id} (action: revoke)",
        (Provider::Github, ResetPassword) => "no API: the user resets the password",
        (Provider::Github, RequireReenrollment) => "org requires 2FA again (after approval)",
        (Provider::Duo, RevokeSessions) => "POST /admin/v1/users/{user_id} (status=disabled until cleaned)",
        (Provider::Duo, RemoveFactor) => "DELETE /admin/v1/users/{user_id}/phones/{phone_id}",
        (Provider::Duo, RevertRecovery) => "DELETE /admin/v1/users/{user_id}/bypass_codes",
        (Provider::Duo, RotateSecret) => "DELETE /admin/v1/integrations/{integration_key}",
        (Provider::Duo, ResetPassword) => "reset at the primary identity provider",
        (Provider::Duo, RequireReenrollment) => "POST /admin/v1/users/enroll (after approval)",
        (Provider::Auth0, RevokeSessions) => "DELETE /api/v2/users/{id}/sessions",
        (Provider::Auth0, RemoveFactor) => {
            "DELETE /api/v2/users/{id}/authentication-methods/{authentication_method_id}"
        }
        (Provider::Auth0, RevertRecovery) => {
            "DELETE /api/v2/users/{id}/authentication-methods/{authentication_method_id}"
        }
        (Provider::Auth0, RotateSecret) => "POST /api/v2/clients/{id}/rotate-secret",
        (Provider::Auth0, ResetPassword) => "POST /api/v2/tickets/password-change",
        (Provider::Auth0, RequireReenrollment) => "POST /api/v2/guardian/enrollments/ticket (after approval)",
        (Provider::Onelogin, RevokeSessions) => "POST /api/1/users/{id}/logout",
        (Provider::Onelogin, RemoveFactor) => "DELETE /api/2/mfa/users/{user_id}/devices/{device_id}",
        (Provider::Onelogin, RevertRecovery) => "PUT /api/2/users/{id} (recovery email and phone)",
        (Provider::Onelogin, RotateSecret) => "DELETE /api/2/api_authorizations/{id}",
        (Provider::Onelogin, ResetPassword) => "PUT /api/2/users/{id} (password)",
        (Provider::Onelogin, RequireReenrollment) => "POST /api/2/mfa/users/{user_id}/registrations (after approval)",
    }
}

/// The plan for an incident that began at `since` on `identity`.
pub fn plan(identity: &FindingIdentity, since: DateTime<Utc>, state: Option<&IdentityState>) -> Vec<RemediationStep> {
    let p = identity.provider;
    let mut steps: Vec<(Action, String)> = Vec::new();
    if identity.id == TENANT_IDENTITY {
        return vec![RemediationStep {
            step: 1,
            action: Action::RestorePolicy,
            api: Text::from(api(p, Action::RestorePolicy)),
            detail: format!("tenant {}", identity.tenant),
        }];
    }
    if identity.id.starts_with("source:") {
        return vec![RemediationStep {
            step: 1,
            action: Action::RestoreLogSource,
            api: Text::from(api(p, Action::RestoreLogSource)),
            detail: identity.id.to_string(),
        }];
    }
    steps.push((Action::RevokeSessions, "all sessions and refresh tokens".into()));
    if let Some(state) = state {
        for f in state.bound_factors().filter(|f| f.bound_at >= since) {
            steps.push((Action::RemoveFactor, crate::prior::removal_detail(f)));
        }
        for r in state.recovery_changes.between(since, DateTime::<Utc>::MAX_UTC) {
            steps.push((Action::RevertRecovery, format!("{} at {}", r.action, r.time.format("%Y-%m-%d %H:%M UTC"))));
        }
        for s in state.secrets_issued.between(since, DateTime::<Utc>::MAX_UTC) {
            steps.push((
                Action::RotateSecret,
                format!("{} at {} ({})", s.action, s.time.format("%Y-%m-%d %H:%M UTC"), s.event_id),
            ));
        }
    }
    steps.push((Action::ResetPassword, "last, once the factors and sessions above are gone".into()));
    steps.push((Action::RequireReenrollment, "under manager or SOC approval".into()));
    steps
        .into_iter()
        .enumerate()
        .map(|(i, (action, detail))| RemediationStep {
            step: i as u32 + 1,
            action,
            api: Text::from(api(p, action)),
            detail,
        })
        .collect()
}
