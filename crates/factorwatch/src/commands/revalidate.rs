//! `factorwatch revalidate`: opens an attestation campaign on the service and lists it.

use crate::cli::RevalidateArgs;
use crate::commands::client::Client;
use policy::Campaign;
use std::process::ExitCode;

pub fn run(args: RevalidateArgs) -> anyhow::Result<ExitCode> {
    let answer = Client::new(&args.client)?.post("/v1/revalidation/campaigns", &serde_json::json!({}))?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&answer)?);
        return Ok(ExitCode::SUCCESS);
    }
    let campaign: Campaign = serde_json::from_value(answer)?;
    println!(
        "campaign {} ({} items, period {} days)",
        campaign.id,
        campaign.items.len(),
        campaign.period_seconds / 86_400
    );
    println!("{:<38} {:<4} {:<28} {:<22} {:<17} REASONS", "ITEM", "TIER", "IDENTITY", "FACTOR", "BOUND");
    for item in &campaign.items {
        let reasons: Vec<String> = item
            .reasons
            .iter()
            .map(|r| serde_json::to_value(r).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default())
            .collect();
        println!(
            "{:<38} {:<4} {:<28} {:<22} {:<17} {}",
            item.id,
            item.tier,
            item.key.identity,
            item.factor.kind,
            item.factor.bound_at.format("%Y-%m-%d %H:%M"),
            reasons.join(", ")
        );
    }
    println!("\nwork through it at /v1/revalidation/campaigns/{} or in the console", campaign.id);
    Ok(ExitCode::SUCCESS)
}
