//! Which native records a rule's `logsource` names. Rules are routed to services once, at
//! load; each record is assigned one service from its shape (and, for records of one shape
//! that carry several logs, a field), so it meets only its own service's rules.

use ingest::json::View;
use ingest::shape::Shape;

/// A log factorwatch reads, as Sigma's `logsource` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Service {
    /// `okta/okta`: the Okta System Log.
    Okta,
    /// `azure/auditlogs` (and `azure/pim`, whose changes are audit records).
    AzureAudit,
    /// `azure/signinlogs`.
    AzureSignin,
    /// `azure/riskdetection`: Identity Protection's risk events.
    AzureRisk,
    /// `azure/activitylogs`: the Azure Activity log, delivered in the diagnostic shape.
    AzureActivity,
    /// `m365/*`: the unified audit log.
    M365,
    /// `aws/cloudtrail`.
    AwsCloudTrail,
    /// `gcp/google_workspace.admin`.
    GoogleAdmin,
    /// `gcp/google_workspace.login`.
    GoogleLogin,
    /// Google Workspace reports of other applications (no SigmaHQ rules today).
    GoogleOther,
    /// `github/audit`.
    GithubAudit,
    /// `cisco/duo`.
    Duo,
    /// `onelogin/onelogin.events`.
    OneLogin,
    /// `auth0`.
    Auth0,
}

impl Service {
    pub const ALL: [Service; 14] = [
        Service::Okta,
        Service::AzureAudit,
        Service::AzureSignin,
        Service::AzureRisk,
        Service::AzureActivity,
        Service::M365,
        Service::AwsCloudTrail,
        Service::GoogleAdmin,
        Service::GoogleLogin,
        Service::GoogleOther,
        Service::GithubAudit,
        Service::Duo,
        Service::OneLogin,
        Service::Auth0,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Service::Okta => "okta/okta",
            Service::AzureAudit => "azure/auditlogs",
            Service::AzureSignin => "azure/signinlogs",
            Service::AzureRisk => "azure/riskdetection",
            Service::AzureActivity => "azure/activitylogs",
            Service::M365 => "m365",
            Service::AwsCloudTrail => "aws/cloudtrail",
            Service::GoogleAdmin => "gcp/google_workspace.admin",
            Service::GoogleLogin => "gcp/google_workspace.login",
            Service::GoogleOther => "gcp/google_workspace",
            Service::GithubAudit => "github/audit",
            Service::Duo => "cisco/duo",
            Service::OneLogin => "onelogin/onelogin.events",
            Service::Auth0 => "auth0",
        }
    }

    /// The service of one record.
    pub fn of(shape: Shape, rec: View<'_, '_>) -> Service {
        match shape {
            Shape::OktaNative | Shape::OktaLogAnalytics => Service::Okta,
            Shape::EntraDiagnostic => diagnostic_service(rec.get("category").str().unwrap_or_default()),
            Shape::EntraGraphAudit | Shape::EntraLogAnalyticsAudit => Service::AzureAudit,
            Shape::EntraGraphSignin | Shape::EntraLogAnalyticsSignin => Service::AzureSignin,
            Shape::M365Api | Shape::M365LogAnalytics => Service::M365,
            Shape::CloudTrail => Service::AwsCloudTrail,
            Shape::GoogleActivity => match rec.path("id.applicationName").str() {
                Some(app) if app.eq_ignore_ascii_case("admin") => Service::GoogleAdmin,
                Some(app) if app.eq_ignore_ascii_case("login") => Service::GoogleLogin,
                _ => Service::GoogleOther,
            },
            Shape::GithubAudit => Service::GithubAudit,
            Shape::DuoAuth | Shape::DuoActivity | Shape::DuoTelephony | Shape::DuoAdmin => Service::Duo,
            Shape::Auth0Stream | Shape::Auth0Api => Service::Auth0,
            Shape::OneLogin => Service::OneLogin,
        }
    }
}

/// Entra and Azure diagnostic settings deliver every log in one shape; `category` says which.
fn diagnostic_service(category: &str) -> Service {
    let c = category.to_ascii_lowercase();
    if c == "auditlogs" {
        Service::AzureAudit
    } else if c.ends_with("signinlogs") {
        Service::AzureSignin
    } else if c.contains("risk") {
        Service::AzureRisk
    } else {
        Service::AzureActivity
    }
}

/// Why a rule's logsource meets no record factorwatch reads.
#[derive(Debug, Clone, PartialEq)]
pub struct Unrouted(pub String);

/// The services a rule's `logsource` (product, service, category) names.
pub fn route(product: Option<&str>, service: Option<&str>, category: Option<&str>) -> Result<Vec<Service>, Unrouted> {
    let product = product.map(str::to_ascii_lowercase);
    let service = service.map(str::to_ascii_lowercase);
    let named = |list: &[Service]| Ok(list.to_vec());
    let unknown_service =
        |p: &str, s: &str| Err(Unrouted(format!("logsource {p}/{s}: factorwatch reads no such {p} log")));
    match (product.as_deref(), service.as_deref()) {
        (Some("okta"), _) => named(&[Service::Okta]),
        (Some("azure"), None) => {
            named(&[Service::AzureAudit, Service::AzureSignin, Service::AzureRisk, Service::AzureActivity])
        }
        (Some("azure"), Some("auditlogs" | "pim")) => named(&[Service::AzureAudit]),
        (Some("azure"), Some("signinlogs")) => named(&[Service::AzureSignin]),
        (Some("azure"), Some("riskdetection")) => named(&[Service::AzureRisk]),
        (Some("azure"), Some("activitylogs")) => named(&[Service::AzureActivity]),
        (Some("m365"), _) => named(&[Service::M365]),
        (Some("aws"), None | Some("cloudtrail")) => named(&[Service::AwsCloudTrail]),
        (Some("gcp" | "google_workspace"), Some("google_workspace.admin" | "admin")) => named(&[Service::GoogleAdmin]),
        (Some("gcp" | "google_workspace"), Some("google_workspace.login" | "login")) => named(&[Service::GoogleLogin]),
        (Some("google_workspace"), None) => named(&[Service::GoogleAdmin, Service::GoogleLogin, Service::GoogleOther]),
        (Some("gcp"), Some("gcp.audit")) => {
            Err(Unrouted("logsource gcp/gcp.audit: Google Cloud audit logs are not a source factorwatch reads".into()))
        }
        (Some("github"), None | Some("audit")) => named(&[Service::GithubAudit]),
        (Some("cisco" | "duo"), None | Some("duo")) => named(&[Service::Duo]),
        (Some("onelogin"), _) => named(&[Service::OneLogin]),
        (Some("auth0"), _) => named(&[Service::Auth0]),
        (Some(p), Some(s)) if ["azure", "aws", "gcp", "github", "cisco"].contains(&p) => unknown_service(p, s),
        (Some(p), _) => {
            Err(Unrouted(format!("logsource product `{p}`: not an identity or cloud log factorwatch reads")))
        }
        (None, _) => Err(Unrouted(format!(
            "logsource without a product (category `{}`): factorwatch routes rules by product",
            category.unwrap_or("-")
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sigmahq_logsources_route_to_the_logs_that_carry_them() {
        assert_eq!(route(Some("okta"), Some("okta"), None), Ok(vec![Service::Okta]));
        assert_eq!(route(Some("azure"), Some("pim"), None), Ok(vec![Service::AzureAudit]));
        assert_eq!(route(Some("aws"), Some("cloudtrail"), None), Ok(vec![Service::AwsCloudTrail]));
        assert_eq!(route(Some("cisco"), Some("duo"), None), Ok(vec![Service::Duo]));
        assert_eq!(route(Some("azure"), None, None).map(|s| s.len()), Ok(4));
    }

    #[test]
    fn logsources_factorwatch_does_not_read_say_why() {
        let Err(Unrouted(why)) = route(Some("gcp"), Some("gcp.audit"), None) else { panic!("routed") };
        assert!(why.contains("Google Cloud audit logs"), "{why}");
        assert!(route(Some("windows"), None, Some("process_creation")).is_err());
        assert!(route(None, None, Some("proxy")).is_err());
        assert!(route(Some("aws"), Some("s3"), None).is_err());
    }

    #[test]
    fn diagnostic_records_are_told_apart_by_category() {
        assert_eq!(diagnostic_service("AuditLogs"), Service::AzureAudit);
        assert_eq!(diagnostic_service("NonInteractiveUserSignInLogs"), Service::AzureSignin);
        assert_eq!(diagnostic_service("UserRiskEvents"), Service::AzureRisk);
        assert_eq!(diagnostic_service("Administrative"), Service::AzureActivity);
    }
}
