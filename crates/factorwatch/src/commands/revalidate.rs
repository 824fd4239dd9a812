//! `factorwatch revalidate`: opens an attestation campaign on the service and lists it.

use crate::cli::RevalidateArgs;
use crate::commands::client::Client;
use crate::text;
use policy::Campaign;
use std::process::ExitCode;

pub fn run(args: RevalidateArgs) -> anyhow::Result<ExitCode> {
    let answer = Client::new(&args.client)?.post("/v1/revalidation/campaigns", &serde_json::json!({}))?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&answer)?);
        return Ok(ExitCode::SUCCESS);
    }
    let campaign: Campaign = serde_json::from_value(answer.clone())?;
    println!(
        "campaign {} ({} items, period {} days)",
        campaign.id,
        campaign.items.len(),
        campaign.period_seconds / 86_400
    );
    print!("{}", items_table(&campaign, &answer));
    println!("\nwork through it at /v1/revalidation/campaigns/{} or in the console", campaign.id);
    Ok(ExitCode::SUCCESS)
}

/// One line per item: the identity by the login the service knows it by (its id when it knows
/// none), padded by displayed width so that long or non-Latin names keep the columns.
fn items_table(campaign: &Campaign, answer: &serde_json::Value) -> String {
    let rows: Vec<[String; 7]> = campaign
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let name = answer["items"][i]["identity_name"].as_str();
            let reasons: Vec<String> = item
                .reasons
                .iter()
                .map(|r| serde_json::to_value(r).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default())
                .collect();
            [
                item.id.clone(),
                item.tier.to_string(),
                text::clip(name.unwrap_or(&item.key.identity), 40),
                format!("{} {}", item.key.provider, item.key.tenant),
                text::clip(&item.factor.kind, 24),
                item.factor.bound_at.format("%Y-%m-%d %H:%M").to_string(),
                reasons.join(", "),
            ]
        })
        .collect();
    text::table(&["ITEM", "TIER", "IDENTITY", "PROVIDER", "FACTOR", "BOUND", "REASONS"], &rows)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn item(id: &str, identity: &str, name: Option<&str>) -> serde_json::Value {
        let mut item = serde_json::json!({
            "id": id, "key": {"provider": "okta", "tenant": "acme.okta.com", "identity": identity},
            "tier": 0,
            "factor": {"kind": "OKTA_VERIFY_PUSH", "class": "app", "bound_at": "2026-01-02T03:04:00Z", "approved": false},
            "reasons": ["bound_without_approval"], "eligible": [], "state": "open"
        });
        if let Some(name) = name {
            item["identity_name"] = name.into();
        }
        item
    }

    #[test]
    fn items_show_logins_not_ids_and_stay_aligned_with_wide_names() {
        let answer = serde_json::json!({
            "id": "rvc_1", "created_at": "2026-05-01T00:00:00Z", "period_seconds": 7_776_000,
            "items": [
                item("rvi_1", "00u1tanaka", Some("田中太郎@例え.jp")),
                item("rvi_2", "00u2ana", Some("ana@acme.com")),
                item("rvi_3", "00u3unknown", None),
            ]
        });
        let campaign: Campaign = serde_json::from_value(answer.clone()).unwrap();
        let table = items_table(&campaign, &answer);
        assert!(table.contains("田中太郎@例え.jp") && table.contains("ana@acme.com"), "{table}");
        assert!(!table.contains("00u1tanaka") && !table.contains("00u2ana"), "ids shown for known logins: {table}");
        assert!(table.contains("00u3unknown"), "an identity without a login keeps its id: {table}");
        let provider_at: Vec<usize> = table
            .lines()
            .map(|line| text::width(&line[..line.find("okta").or_else(|| line.find("PROVIDER")).unwrap()]))
            .collect();
        assert!(provider_at.windows(2).all(|w| w[0] == w[1]), "{table}");
    }
}
