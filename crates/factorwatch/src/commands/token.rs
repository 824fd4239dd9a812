//! `factorwatch token`: API tokens written straight to the service's store, so that the
//! first admin token can be made before the service has any.

use crate::cli::{ServiceTarget, TokenCommand};
use anyhow::Context;
use chrono::Utc;
use server::ServiceConfig;
use std::process::ExitCode;
use store::{AuditEntry, Role};

fn open(target: &ServiceTarget) -> anyhow::Result<Box<dyn store::Store + Send>> {
    let mut config = match &target.config {
        Some(path) => ServiceConfig::load(path)?,
        None => ServiceConfig::default(),
    };
    if let Some(dir) = &target.data_dir {
        config.server.data_dir = Some(dir.clone());
    }
    server::open_store(&config, 1)?.pop().context("no store connection")
}

fn actor() -> String {
    format!("cli:{}", std::env::var("USER").unwrap_or_else(|_| "unknown".into()))
}

pub fn run(command: TokenCommand) -> anyhow::Result<ExitCode> {
    match command {
        TokenCommand::Create { role, name, target } => {
            let role = Role::parse(&role).with_context(|| format!("unknown role `{role}`"))?;
            let mut store = open(&target)?;
            let now = Utc::now();
            let (token, record) = server::auth::new_token(&name, role, now);
            store.create_token(&record)?;
            store.append_audit(&AuditEntry {
                seq: 0,
                time: now,
                actor: actor(),
                action: "token.create".into(),
                target: record.id.clone(),
                detail: serde_json::json!({ "name": name, "role": role.as_str() }),
            })?;
            eprintln!("created {} ({}, {}); the token is shown only now:", record.id, name, role.as_str());
            println!("{token}");
        }
        TokenCommand::List { target } => {
            let store = open(&target)?;
            println!("{:<22} {:<9} {:<25} {:<20} NAME", "ID", "ROLE", "CREATED", "REVOKED");
            for t in store.tokens()? {
                let revoked = t.revoked.map_or_else(|| "-".to_string(), |r| r.format("%Y-%m-%d %H:%M").to_string());
                println!(
                    "{:<22} {:<9} {:<25} {:<20} {}",
                    t.id,
                    t.role.as_str(),
                    t.created.format("%Y-%m-%d %H:%M UTC"),
                    revoked,
                    t.name
                );
            }
        }
        TokenCommand::Revoke { id, target } => {
            let mut store = open(&target)?;
            let now = Utc::now();
            if !store.revoke_token(&id, now)? {
                anyhow::bail!("no token `{id}`");
            }
            store.append_audit(&AuditEntry {
                seq: 0,
                time: now,
                actor: actor(),
                action: "token.revoke".into(),
                target: id.clone(),
                detail: serde_json::json!({}),
            })?;
            eprintln!("revoked {id}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
