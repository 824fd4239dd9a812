//! Microsoft Graph exports and AzureHound output become Entra identities, roles, NHIs and
//! secrets with the right tiers and blast radius.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use graph::{EdgeKind, Graph, NodeKind};
use model::Provider;

fn load(g: &mut Graph, path: &str) -> graph::import::Imported {
    let text = std::fs::read_to_string(format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    graph::import::import(g, path, &text).unwrap()
}

fn who(g: &Graph, name: &str) -> u32 {
    g.find_identity(Some(Provider::Entra), None, name).unwrap_or_else(|| panic!("{name} not in the graph"))
}

fn bundle() -> Graph {
    let mut g = Graph::new();
    assert_eq!(load(&mut g, "msgraph/bundle.json").format, "msgraph");
    g
}

#[test]
fn an_entra_application_administrator_reaches_every_service_principal() {
    let g = bundle();
    let megan = who(&g, "megan.bowen@contoso.com");
    assert_eq!(graph::tier_of(&g, megan), 1);
    let summary = g.blast_summary(megan, 5);
    let service_principals = g.nodes().filter(|(_, n)| n.kind == NodeKind::Nhi).count() as u32;
    assert_eq!(service_principals, 3, "payroll-sync, Graph Explorer, backup-agent");
    assert_eq!(summary.nhi, 5, "three service principals and two app registrations");
    assert_eq!(summary.roles, 1);
    assert_eq!(summary.top[0], "megan.bowen@contoso.com → Application Administrator → every non-human identity");
}

#[test]
fn a_global_administrator_by_expanded_definition_is_tier_0_over_every_identity() {
    let g = bundle();
    let adele = who(&g, "adele.vance@contoso.com");
    assert_eq!(graph::tier_of(&g, adele), 0);
    let summary = g.blast_summary(adele, 5);
    assert_eq!(summary.identities, 9, "six people and three service principals");
    assert_eq!(summary.top[0], "adele.vance@contoso.com → Global Administrator → every identity");
}

#[test]
fn a_helpdesk_administrator_through_a_role_assignable_group_is_tier_0() {
    let g = bundle();
    let lee = who(&g, "lee.gu@contoso.com");
    assert_eq!(graph::tier_of(&g, lee), 0);
    let summary = g.blast_summary(lee, 5);
    assert_eq!(summary.top[0], "lee.gu@contoso.com → Helpdesk Team → Helpdesk Administrator → every identity");
}

#[test]
fn an_app_owner_reaches_the_app_its_service_principal_and_its_client_secret() {
    let g = bundle();
    let pradeep = who(&g, "pradeep.gupta@contoso.com");
    assert_eq!(graph::tier_of(&g, pradeep), 1);
    let summary = g.blast_summary(pradeep, 5);
    assert_eq!((summary.nhi, summary.secrets, summary.identities), (2, 1, 0));
    assert!(
        summary.top.contains(&"pradeep.gupta@contoso.com → payroll-sync → payroll-sync client secret prod".into()),
        "{:?}",
        summary.top
    );
    let secret = g.nodes().find(|(_, n)| n.id == "f1e2d3c4-0001-4000-8000-00000000c001").unwrap().1;
    assert_eq!(secret.expires.unwrap().to_rfc3339(), "2026-03-01T09:30:00+00:00");
}

#[test]
fn a_role_scoped_to_one_app_reaches_only_that_app() {
    let g = bundle();
    let isaiah = who(&g, "isaiah.langer@contoso.com");
    assert!(g.node(isaiah).unwrap().disabled);
    assert_eq!(graph::tier_of(&g, isaiah), 1);
    let summary = g.blast_summary(isaiah, 5);
    assert_eq!((summary.nhi, summary.identities), (1, 0));
    assert_eq!(
        summary.top[0],
        "isaiah.langer@contoso.com → Cloud Application Administrator (/a99e0002-bbbb-4ccc-8ddd-000000000202) → reporting-app"
    );
}

#[test]
fn a_user_without_roles_or_ownership_is_tier_2() {
    let g = bundle();
    let diego = who(&g, "diego.siciliani@contoso.com");
    assert_eq!(graph::tier_of(&g, diego), 2);
    assert!(g.blast_radius(diego).is_empty());
}

#[test]
fn certificates_of_service_principals_are_secrets_with_their_validity() {
    let g = bundle();
    let (id, cert) = g.nodes().find(|(_, n)| n.id == "b4d1e0c2-3333-4444-8555-666677778888").unwrap();
    assert_eq!(cert.kind, NodeKind::Secret);
    assert_eq!(cert.name, "backup-agent certificate CN=backup-agent");
    assert_eq!(cert.created.unwrap().to_rfc3339(), "2025-01-15T00:00:00+00:00");
    assert_eq!(cert.expires.unwrap().to_rfc3339(), "2027-01-15T00:00:00+00:00");
    assert!(g.in_edges(id).any(|e| e.kind == EdgeKind::HasSecret));
}

#[test]
fn graph_pages_imported_one_by_one_join_under_one_tenant() {
    let mut g = Graph::new();
    for page in [
        "msgraph/users-page.json",
        "msgraph/role-assignments-page.json",
        "msgraph/service-principals-page.json",
        "msgraph/directory-roles-page.json",
    ] {
        assert_eq!(load(&mut g, page).format, "msgraph", "{page}");
    }
    let megan = who(&g, "megan.bowen@contoso.com");
    assert_eq!(graph::tier_of(&g, megan), 1);
    assert_eq!(g.blast_summary(megan, 3).nhi, 3, "payroll-sync, backup-agent, ci-deployer");
    let nestor = who(&g, "nestor.wilke@contoso.com");
    assert_eq!(graph::tier_of(&g, nestor), 0);
    assert_eq!(
        g.blast_summary(nestor, 3).top[0],
        "nestor.wilke@contoso.com → Privileged Authentication Administrator → every identity"
    );
    let diego = who(&g, "diego.siciliani@contoso.com");
    assert_eq!(graph::tier_of(&g, diego), 0, "User Administrator from /directoryRoles members");
    let ci = g.nodes().find(|(_, n)| n.name == "ci-deployer client secret github-actions").unwrap().1;
    assert_eq!(ci.expires.unwrap().to_rfc3339(), "2299-12-31T00:00:00+00:00");
}

fn azurehound() -> Graph {
    let mut g = Graph::new();
    assert_eq!(load(&mut g, "azurehound/output.json").format, "azurehound");
    g
}

#[test]
fn azurehound_application_administrator_reaches_every_service_principal_and_app() {
    let g = azurehound();
    let alice = who(&g, "alice@fabrikam.onmicrosoft.com");
    assert_eq!(graph::tier_of(&g, alice), 1);
    let summary = g.blast_summary(alice, 3);
    assert_eq!(summary.nhi, 3, "invoice-bot and monitoring-agent service principals, invoice-bot app");
    assert_eq!(summary.top[0], "alice@fabrikam.onmicrosoft.com → Application Administrator → every non-human identity");
}

#[test]
fn azurehound_global_administrator_by_group_and_role_administrator_are_tier_0() {
    let g = azurehound();
    let carol = who(&g, "carol@fabrikam.onmicrosoft.com");
    assert_eq!(graph::tier_of(&g, carol), 0);
    let summary = g.blast_summary(carol, 3);
    assert_eq!(summary.identities, 7, "five people and two service principals");
    assert_eq!(summary.top[0], "carol@fabrikam.onmicrosoft.com → IT Admins → Global Administrator → every identity");
    let bob = who(&g, "bob@fabrikam.onmicrosoft.com");
    assert_eq!(graph::tier_of(&g, bob), 0);
    assert_eq!(
        g.blast_summary(bob, 1).top[0],
        "bob@fabrikam.onmicrosoft.com → Privileged Role Administrator → every identity"
    );
}

#[test]
fn azurehound_service_principal_owner_is_tier_1_and_others_tier_2() {
    let g = azurehound();
    let dave = who(&g, "dave@fabrikam.onmicrosoft.com");
    assert_eq!(graph::tier_of(&g, dave), 1);
    let summary = g.blast_summary(dave, 3);
    assert_eq!((summary.nhi, summary.identities), (1, 0));
    assert_eq!(summary.top[0], "dave@fabrikam.onmicrosoft.com → invoice-bot");
    let erin = who(&g, "erin@fabrikam.onmicrosoft.com");
    assert_eq!(graph::tier_of(&g, erin), 2);
}

#[test]
fn legacy_azurehound_files_join_the_same_tenant() {
    let mut g = azurehound();
    assert_eq!(load(&mut g, "azurehound/legacy-azusers.json").format, "azurehound");
    let frank = who(&g, "frank@fabrikam.onmicrosoft.com");
    let alice = who(&g, "alice@fabrikam.onmicrosoft.com");
    assert_eq!(g.node(frank).unwrap().tenant, g.node(alice).unwrap().tenant);
    assert_eq!(graph::tier_of(&g, frank), 2);
    assert_eq!(graph::tier_of(&g, alice), 1, "the legacy record does not drop alice's role");
}
