//! `factorwatch decide`: one enrollment decision, from the service or locally.

use crate::cli::DecideArgs;
use crate::commands::client::Client;
use anyhow::Context;
use chrono::Utc;
use policy::{DecisionConfig, DecisionPoint, EnrollmentRequest, IdentityContext, Outcome, Policies};
use std::io::Read;
use std::path::Path;
use std::process::ExitCode;

fn read(path: &Path) -> anyhow::Result<String> {
    if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).context("cannot read the request from stdin")?;
        return Ok(text);
    }
    std::fs::read_to_string(path).with_context(|| format!("cannot read `{}`", path.display()))
}

/// The exit status a script branches on.
fn status(outcome: Outcome) -> ExitCode {
    ExitCode::from(match outcome {
        Outcome::Allow => 0,
        Outcome::StepUp => 10,
        Outcome::RequireApproval => 11,
        Outcome::Deny => 12,
    })
}

pub fn run(args: DecideArgs) -> anyhow::Result<ExitCode> {
    let text = read(&args.request)?;
    let request: EnrollmentRequest = serde_json::from_str(&text)
        .with_context(|| format!("`{}` is not an enrollment request", args.request.display()))?;
    let answer = if args.local {
        let identity: IdentityContext = match &args.identity {
            Some(path) => serde_json::from_str(&read(path)?)
                .with_context(|| format!("`{}` is not an identity context", path.display()))?,
            None => IdentityContext::default(),
        };
        let policies = match &args.policies {
            Some(dir) => Policies::from_dir(dir)?,
            None => Policies::defaults()?,
        };
        let point = DecisionPoint::new(policies, DecisionConfig::default())?;
        serde_json::to_value(point.decide(&request, &identity, Utc::now())?)?
    } else {
        Client::new(&args.client)?.post("/v1/decisions/enrollment", &serde_json::to_value(&request)?)?
    };
    println!("{}", serde_json::to_string_pretty(&answer)?);
    let outcome = answer["outcome"].as_str().and_then(Outcome::parse).context("the answer has no outcome")?;
    eprintln!("{}", summary(&answer));
    Ok(status(outcome))
}

/// The answer in one line for the person at the terminal (the JSON on stdout is for scripts):
/// the identity by its login, with its provider, tenant and id, and a pending approval's id.
fn summary(answer: &serde_json::Value) -> String {
    let text = |v: &serde_json::Value| v.as_str().unwrap_or("?").to_string();
    let id = text(&answer["identity"]);
    let who = match answer["identity_name"].as_str() {
        Some(name) if name != id => {
            format!("{name} ({} {}, id {id})", text(&answer["provider"]), text(&answer["tenant"]))
        }
        _ => format!("{id} ({} {})", text(&answer["provider"]), text(&answer["tenant"])),
    };
    let mut line = format!("{}: {} for {who}", text(&answer["outcome"]), text(&answer["factor_kind"]));
    if let Some(approval) = answer["approval"]["id"].as_str() {
        line.push_str(&format!("; approval {approval} is pending"));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_names_the_identity_by_its_login_with_its_id_beside() {
        let answer = serde_json::json!({
            "outcome": "require_approval", "factor_kind": "OKTA_VERIFY_PUSH", "provider": "okta",
            "tenant": "acme.okta.com", "identity": "00uroot", "identity_name": "root@acme.com",
            "approval": {"id": "apr_1"}
        });
        assert_eq!(
            summary(&answer),
            "require_approval: OKTA_VERIFY_PUSH for root@acme.com (okta acme.okta.com, id 00uroot); approval apr_1 is pending"
        );
        let unknown = serde_json::json!({"outcome": "allow", "factor_kind": "sms", "provider": "okta", "tenant": "t", "identity": "00u9"});
        assert_eq!(summary(&unknown), "allow: sms for 00u9 (okta t)");
    }
}
