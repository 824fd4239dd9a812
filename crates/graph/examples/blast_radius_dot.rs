//! Prints the DOT of a small, realistic Entra tenant's blast radius for one help-desk lead:
//! `cargo run -p factorwatch-graph --example blast_radius_dot > radius.dot` (used by
//! `scripts/render-blast-radius` for docs/images/blast-radius.png).

use graph::{EdgeKind, Graph, NodeKind, Scope};
use model::Provider;

const T: &str = "contoso.onmicrosoft.com";

fn main() {
    let p = Provider::Entra;
    let mut g = Graph::new();
    let role = |g: &mut Graph, name: &str| {
        let r = g.ensure(p, T, NodeKind::Role, name, name);
        if let Some(n) = g.node_mut(r) {
            n.role_tier = graph::role_tier(p, name);
        }
        for (power, scope) in graph::role_powers(p, name) {
            let s = g.scope(p, T, *scope);
            g.link(r, s, *power, None);
        }
        r
    };
    let alice = g.ensure(p, T, NodeKind::Human, "u-alice", "alice@contoso.com");
    let helpdesk = g.ensure(p, T, NodeKind::Group, "g-helpdesk", "IT Help Desk");
    let platform = g.ensure(p, T, NodeKind::Group, "g-platform", "Platform Engineering");
    let auth_admin = role(&mut g, "Authentication Administrator");
    let app_admin = role(&mut g, "Cloud Application Administrator");
    let deployer = g.ensure(p, T, NodeKind::Nhi, "sp-deploy", "ci-deployer (service principal)");
    let deploy_secret = g.ensure(p, T, NodeKind::Secret, "sp-deploy-secret", "ci-deployer client secret");
    let payments = g.ensure(p, T, NodeKind::App, "app-payments", "payments-api (app registration)");
    let payments_cert = g.ensure(p, T, NodeKind::Secret, "app-payments-cert", "payments-api certificate");
    let bob = g.ensure(p, T, NodeKind::Human, "u-bob", "bob@contoso.com (intern)");
    for (name, id) in [("carol@contoso.com", "u-carol"), ("dave@contoso.com", "u-dave"), ("erin@contoso.com", "u-erin")]
    {
        g.ensure(p, T, NodeKind::Human, id, name);
    }
    for (name, id) in [("backup-job", "sp-backup"), ("hr-sync", "sp-hr")] {
        g.ensure(p, T, NodeKind::Nhi, id, name);
    }
    g.link(alice, helpdesk, EdgeKind::MemberOf, None);
    g.link(helpdesk, auth_admin, EdgeKind::HasRole, None);
    g.link(alice, platform, EdgeKind::MemberOf, None);
    g.link(platform, app_admin, EdgeKind::HasRole, None);
    g.link(alice, deployer, EdgeKind::Owns, None);
    g.link(deployer, deploy_secret, EdgeKind::HasSecret, None);
    g.link(deployer, payments, EdgeKind::Owns, None);
    g.link(payments, payments_cert, EdgeKind::HasSecret, None);
    g.link(alice, bob, EdgeKind::CanResetPassword, None);
    let _ = g.scope(p, T, Scope::AllIdentities);
    print!("{}", graph::blast_radius_dot(&g, alice));
}
