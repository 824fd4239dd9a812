//! One module per provider: native record → events (docs/events.md §1-9). Providers read
//! through [`View`] and never see bytes; they know nothing of files or detectors.

use crate::context::{Ctx, Relevance};
use crate::error::RecordError;
use crate::json::View;
use crate::shape::Shape;
use model::Event;

mod auth0;
mod cloudtrail;
mod duo;
mod entra;
mod github;
mod google;
mod m365;
mod okta;
mod onelogin;

pub type Result = std::result::Result<Relevance, RecordError>;

pub fn normalize(shape: Shape, rec: View<'_, '_>, ctx: &Ctx<'_>, out: &mut Vec<Event>) -> Result {
    match shape {
        Shape::OktaNative => okta::normalize(rec, ctx, out),
        Shape::OktaLogAnalytics => okta::log_analytics(rec, ctx, out),
        Shape::EntraDiagnostic => entra::diagnostic(rec, ctx, out),
        Shape::EntraGraphAudit => entra::graph_audit(rec, ctx, out),
        Shape::EntraGraphSignin => entra::graph_signin(rec, ctx, out),
        Shape::EntraLogAnalyticsAudit => entra::la_audit(rec, ctx, out),
        Shape::EntraLogAnalyticsSignin => entra::la_signin(rec, ctx, out),
        Shape::M365Api => m365::api(rec, ctx, out),
        Shape::M365LogAnalytics => m365::log_analytics(rec, ctx, out),
        Shape::CloudTrail => cloudtrail::normalize(rec, ctx, out),
        Shape::GoogleActivity => google::normalize(rec, ctx, out),
        Shape::GithubAudit => github::normalize(rec, ctx, out),
        Shape::DuoAuth => duo::auth(rec, ctx, out),
        Shape::DuoActivity => duo::activity(rec, ctx, out),
        Shape::DuoTelephony => duo::telephony(rec, ctx, out),
        Shape::DuoAdmin => duo::admin(rec, ctx, out),
        Shape::Auth0Stream => auth0::stream(rec, ctx, out),
        Shape::Auth0Api => auth0::api(rec, ctx, out),
        Shape::OneLogin => onelogin::normalize(rec, ctx, out),
    }
}
