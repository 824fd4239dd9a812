//! `factorwatch.toml` for the generated tenant: tenants, privileged people, allowed
//! delegates, allow-listed networks and every source with its expected interval.

use crate::World;
use crate::event::Source;
use crate::tenant::{DUO_TENANT, OKTA_TENANT, Role, User};
use std::fmt::Write as _;

pub fn toml(world: &World) -> String {
    let entra = &world.tenant.entra_tenant;
    let mut privileged = Vec::new();
    let mut delegates = Vec::new();
    for u in &world.tenant.users {
        if u.role.tier() <= 1 {
            privileged.extend(ids(u, entra));
        }
        if u.role == Role::Helpdesk {
            delegates.extend(ids(u, entra));
        }
    }
    let mut s = String::with_capacity(4096);
    s.push_str("# factorwatch config for the synthetic tenant written by `factorwatch gen`.\n\n");
    let _ = writeln!(s, "[tenants]\nokta = \"{OKTA_TENANT}\"\nduo = \"{DUO_TENANT}\"\n");
    s.push_str("[identities]\n");
    list(&mut s, "privileged", &privileged);
    list(&mut s, "allowed_delegates", &delegates);
    s.push_str("\n[networks]\nvpn_egress = [\"203.0.113.0/24\"]\nhelpdesk_egress = [\"198.51.100.0/28\"]\n");
    for source in Source::ALL {
        let _ = write!(
            s,
            "\n[sources.{}]\nprovider = \"{}\"\npath = \"{}\"\nexpected_interval = \"{}\"\n",
            source.name(),
            crate::truth::provider(source),
            source.path(),
            source.expected_interval()
        );
    }
    s
}

/// `provider:tenant:id` for each account a person has where roles are held.
fn ids(u: &User, entra: &str) -> Vec<String> {
    let mut v = vec![format!("okta:{OKTA_TENANT}:{}", u.okta_id), format!("entra:{entra}:{}", u.entra_id)];
    if matches!(u.role, Role::SuperAdmin) {
        v.push(format!("google:{}:{}", crate::tenant::GOOGLE_CUSTOMER, u.google_id));
        v.push(format!("github:{}:{}", crate::tenant::GITHUB_BUSINESS, u.github_id));
        if let Some(aws) = &u.aws {
            v.push(format!("aws:{}:{}", crate::tenant::AWS_ACCOUNT, aws.principal_id));
        }
    }
    v
}

fn list(s: &mut String, key: &str, items: &[String]) {
    let _ = write!(s, "{key} = [");
    for (i, item) in items.iter().enumerate() {
        let _ = write!(s, "{}\n  \"{item}\"", if i == 0 { "" } else { "," });
    }
    s.push_str(if items.is_empty() { "]\n" } else { ",\n]\n" });
}
