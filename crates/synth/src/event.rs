//! What the generator plans before anything is written: one small `Copy` record per native
//! log line, kept per source file and sorted by time before the writers format it.

use crate::places::Net;

/// One output file.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Source {
    Okta,
    EntraAudit,
    EntraSignin,
    Aws,
    Google,
    Github,
    Duo,
}

impl Source {
    pub const ALL: [Source; 7] = [
        Source::Okta,
        Source::EntraAudit,
        Source::EntraSignin,
        Source::Aws,
        Source::Google,
        Source::Github,
        Source::Duo,
    ];

    /// The file, relative to the output directory.
    pub fn path(self) -> &'static str {
        match self {
            Source::Okta => "okta/system_log.ndjson",
            Source::EntraAudit => "entra/audit.ndjson",
            Source::EntraSignin => "entra/signin.ndjson",
            Source::Aws => "aws/cloudtrail.ndjson",
            Source::Google => "google/activity.ndjson",
            Source::Github => "github/audit.ndjson",
            Source::Duo => "duo/auth.ndjson",
        }
    }

    /// The name in the config's `[sources.<name>]`.
    pub fn name(self) -> &'static str {
        match self {
            Source::Okta => "okta",
            Source::EntraAudit => "entra_audit",
            Source::EntraSignin => "entra_signin",
            Source::Aws => "aws",
            Source::Google => "google",
            Source::Github => "github",
            Source::Duo => "duo",
        }
    }

    /// How often the source is expected to deliver something (FW-011).
    pub fn expected_interval(self) -> &'static str {
        match self {
            Source::Okta | Source::EntraSignin | Source::Duo => "6h",
            Source::Google => "12h",
            Source::EntraAudit | Source::Github => "1d",
            // Console and API work stops over the weekend.
            Source::Aws => "3d",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// Who did it, relative to the event's subject user.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Actor {
    /// The subject acted on itself.
    Subject,
    /// Another person (help desk, admin): a user index.
    User(u32),
    /// The provider's own machinery (Okta `system@okta.com`, Microsoft first-party service).
    System,
}

/// The device a request came from.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Dev {
    /// One of the subject's (or the actor's) own devices.
    Own(u8),
    /// A device nobody in the tenant owns, named by a seed.
    Foreign(u32),
}

/// Okta factor kinds the stories and background use.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum OktaFactor {
    Push,
    Totp,
    Sms,
    Webauthn,
}

/// What happened, in the provider's own terms; each source writes only its own.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Act {
    OktaSessionStart,
    OktaSso,
    /// `user.authentication.auth_via_mfa` with the subject's factor (`factor` names it).
    OktaMfaVerify(OktaFactor),
    OktaPushSent,
    OktaFactorActivate(OktaFactor),
    OktaFactorDeactivate(OktaFactor),
    OktaPasswordUpdate,
    OktaPasswordReset,
    OktaResetEmailSent,
    OktaUserCreate,
    OktaPolicyRuleDeactivate,
    OktaImportNoise,
    /// `user.session.access_admin_app`: the Okta Admin Console opened.
    OktaAdminConsole,
    EntraSignin,
    EntraUserRegistered,
    EntraAdminRegistered,
    EntraServiceRegistered,
    EntraAddSpCredentials,
    EntraChangePassword,
    EntraUpdateDevice,
    AwsConsoleLogin,
    AwsApi(AwsCall),
    AwsEnableMfa,
    AwsCreateAccessKey,
    GoogleLogin,
    GooglePasswordEdit,
    Google2svDisable,
    GoogleRecoveryPhoneEdit,
    GoogleAdminChangePassword,
    GoogleDriveView,
    GithubRepo(GithubCall),
    GithubStreamDestroy,
    DuoAuth,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum AwsCall {
    DescribeInstances,
    GetObject,
    PutObject,
    ListBuckets,
    GetCallerIdentity,
    DescribeLogGroups,
}

impl AwsCall {
    pub const ALL: [AwsCall; 6] = [
        AwsCall::DescribeInstances,
        AwsCall::GetObject,
        AwsCall::PutObject,
        AwsCall::ListBuckets,
        AwsCall::GetCallerIdentity,
        AwsCall::DescribeLogGroups,
    ];

    /// (eventSource, eventName, read only).
    pub fn names(self) -> (&'static str, &'static str, bool) {
        match self {
            AwsCall::DescribeInstances => ("ec2.amazonaws.com", "DescribeInstances", true),
            AwsCall::GetObject => ("s3.amazonaws.com", "GetObject", true),
            AwsCall::PutObject => ("s3.amazonaws.com", "PutObject", false),
            AwsCall::ListBuckets => ("s3.amazonaws.com", "ListBuckets", true),
            AwsCall::GetCallerIdentity => ("sts.amazonaws.com", "GetCallerIdentity", true),
            AwsCall::DescribeLogGroups => ("logs.amazonaws.com", "DescribeLogGroups", true),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum GithubCall {
    GitClone,
    GitPush,
    PullRequestMerge,
    RepoCreate,
    ProtectedBranchUpdate,
}

impl GithubCall {
    pub const ALL: [GithubCall; 5] = [
        GithubCall::GitClone,
        GithubCall::GitPush,
        GithubCall::PullRequestMerge,
        GithubCall::RepoCreate,
        GithubCall::ProtectedBranchUpdate,
    ];

    pub fn action(self) -> &'static str {
        match self {
            GithubCall::GitClone => "git.clone",
            GithubCall::GitPush => "git.push",
            GithubCall::PullRequestMerge => "pull_request.merged",
            GithubCall::RepoCreate => "repo.create",
            GithubCall::ProtectedBranchUpdate => "protected_branch.update",
        }
    }
}

/// One planned log line.
#[derive(Clone, Copy, Debug)]
pub struct Ev {
    /// Milliseconds since the Unix epoch.
    pub t: i64,
    /// Unique within the run: the seed of the line's ids, and the tie-break for equal times.
    pub seq: u32,
    pub act: Act,
    /// The user the event is about.
    pub user: u32,
    pub actor: Actor,
    pub net: Net,
    pub dev: Dev,
    /// Which factor: 0 is the subject's own, bound before the period; others name a new one.
    pub factor: u32,
    pub ok: bool,
    /// Per-act detail: a failure code, a denial's reason, a session seed.
    pub detail: u32,
}

impl Act {
    /// The provider's name for the action, as the normalized event's `action` carries it.
    pub fn action(self) -> &'static str {
        match self {
            Act::OktaSessionStart => "user.session.start",
            Act::OktaSso => "user.authentication.sso",
            Act::OktaMfaVerify(_) => "user.authentication.auth_via_mfa",
            Act::OktaPushSent => "system.push.send_factor_verify_push",
            Act::OktaFactorActivate(_) => "user.mfa.factor.activate",
            Act::OktaFactorDeactivate(_) => "user.mfa.factor.deactivate",
            Act::OktaPasswordUpdate => "user.account.update_password",
            Act::OktaPasswordReset => "user.account.reset_password",
            Act::OktaResetEmailSent => "system.email.password_reset.sent_message",
            Act::OktaUserCreate => "user.lifecycle.create",
            Act::OktaPolicyRuleDeactivate => "policy.rule.deactivate",
            Act::OktaImportNoise => "system.import.user_match",
            Act::OktaAdminConsole => "user.session.access_admin_app",
            Act::EntraSignin => "Sign-in activity",
            Act::EntraUserRegistered | Act::EntraServiceRegistered => "User registered security info",
            Act::EntraAdminRegistered => "Admin registered security info",
            Act::EntraAddSpCredentials => "Add service principal credentials",
            Act::EntraChangePassword => "Change password (self-service)",
            Act::EntraUpdateDevice => "Update device",
            Act::AwsConsoleLogin => "ConsoleLogin",
            Act::AwsApi(call) => call.names().1,
            Act::AwsEnableMfa => "EnableMFADevice",
            Act::AwsCreateAccessKey => "CreateAccessKey",
            Act::GoogleLogin => "login_success",
            Act::GooglePasswordEdit => "password_edit",
            Act::Google2svDisable => "2sv_disable",
            Act::GoogleRecoveryPhoneEdit => "recovery_phone_edit",
            Act::GoogleAdminChangePassword => "CHANGE_PASSWORD",
            Act::GoogleDriveView => "view",
            Act::GithubRepo(call) => call.action(),
            Act::GithubStreamDestroy => "audit_log_streaming.destroy",
            Act::DuoAuth => "authentication",
        }
    }
}

impl OktaFactor {
    /// `debugData.factor` and the enrollment's display name.
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            OktaFactor::Push => ("OKTA_VERIFY_PUSH", "Okta Verify"),
            OktaFactor::Totp => ("token:software:totp", "Google Authenticator"),
            OktaFactor::Sms => ("SMS_FACTOR", "Phone"),
            OktaFactor::Webauthn => ("FIDO_WEBAUTHN", "Security Key or Biometric"),
        }
    }
}
