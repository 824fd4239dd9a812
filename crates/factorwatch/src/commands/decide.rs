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
    Ok(status(outcome))
}
