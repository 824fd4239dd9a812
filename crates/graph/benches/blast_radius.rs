//! Blast-radius latency (`Graph::blast_summary`) on a generated graph of 100,000 identities and
//! 1,000,000 edges across four tenants: people in nested groups, groups and people holding
//! custom and built-in admin roles (with their scope edges), NHIs with owners, secrets, roles
//! and assumable NHIs, and direct control edges (help-desk leads over named users, people who
//! can add credentials to named NHIs).
//!
//! Before criterion's runs (which report means), it times 10,000 queries on identities sampled
//! across the graph plus every admin, with `Instant`, and prints p50/p99/max:
//! `cargo bench -p factorwatch-graph --bench blast_radius`.
//! `FACTORWATCH_BENCH_IDENTITIES` changes the size (edges stay at 10 per identity).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use criterion::Criterion;
use graph::{EdgeKind, Graph, NodeId, NodeKind};
use model::Provider;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// xorshift64*: a fixed, dependency-free stream so every run builds the same graph.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

struct Generated {
    graph: Graph,
    identities: Vec<NodeId>,
    admins: Vec<NodeId>,
    built_in: Duration,
}

const TENANTS: [(Provider, &str, &[&str]); 4] = [
    (
        Provider::Entra,
        "contoso.onmicrosoft.com",
        &["Global Administrator", "User Administrator", "Helpdesk Administrator", "Application Administrator"],
    ),
    (Provider::Okta, "acme.okta.com", &["SUPER_ADMIN", "HELP_DESK_ADMIN", "APP_ADMIN"]),
    (Provider::Google, "example.com", &["_SEED_ADMIN_ROLE", "User Security Management"]),
    (Provider::Github, "example-org", &["owner", "admin"]),
];

fn generate(identities: usize) -> Generated {
    let start = Instant::now();
    let target_edges = identities * 10;
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut g = Graph::new();
    let mut all_identities = Vec::with_capacity(identities);
    let mut admins = Vec::new();
    let mut humans_by_tenant = Vec::new();
    let mut leaves_by_tenant = Vec::new();
    let per_tenant = identities / TENANTS.len();
    for (provider, tenant, admin_roles) in TENANTS {
        let p = provider;
        // Roles: the provider's built-in admin roles (with their scope edges) and 150 custom ones.
        let mut builtin = Vec::new();
        for &name in admin_roles {
            let r = g.ensure(p, tenant, NodeKind::Role, name, name);
            g.node_mut(r).unwrap().role_tier = graph::role_tier(p, name);
            for (power, scope) in graph::role_powers(p, name) {
                let s = g.scope(p, tenant, *scope);
                g.link(r, s, *power, None);
            }
            builtin.push(r);
        }
        let custom: Vec<NodeId> = (0..150)
            .map(|i| g.ensure(p, tenant, NodeKind::Role, &format!("role-{i}"), &format!("Custom role {i}")))
            .collect();
        // Groups: 40 top, 200 mid, 1,000 leaf; leaves nest in 1–2 mids, mids in 1 top.
        let group = |g: &mut Graph, level: &str, i: usize| {
            g.ensure(p, tenant, NodeKind::Group, &format!("{level}-{i}"), &format!("{level} group {i}"))
        };
        let tops: Vec<NodeId> = (0..40).map(|i| group(&mut g, "top", i)).collect();
        let mids: Vec<NodeId> = (0..200).map(|i| group(&mut g, "mid", i)).collect();
        let leaves: Vec<NodeId> = (0..1000).map(|i| group(&mut g, "leaf", i)).collect();
        for &m in &mids {
            let t = rng.pick(&tops);
            g.link(m, t, EdgeKind::MemberOf, None);
        }
        for &l in &leaves {
            for _ in 0..1 + rng.below(2) {
                let m = rng.pick(&mids);
                g.link(l, m, EdgeKind::MemberOf, None);
            }
        }
        for &grp in tops.iter().chain(&mids).chain(&leaves) {
            for _ in 0..1 + rng.below(2) {
                let r = rng.pick(&custom);
                g.link(grp, r, EdgeKind::HasRole, None);
            }
        }
        // A few leaf groups are admin groups.
        for (i, &r) in builtin.iter().enumerate() {
            g.link(leaves[i], r, EdgeKind::HasRole, None);
        }
        // People (90%) and NHIs (10%).
        let nhi_count = per_tenant / 10;
        let humans: Vec<NodeId> = (0..per_tenant - nhi_count)
            .map(|i| g.ensure(p, tenant, NodeKind::Human, &format!("u{i}"), &format!("user{i}@{tenant}")))
            .collect();
        let nhis: Vec<NodeId> = (0..nhi_count)
            .map(|i| g.ensure(p, tenant, NodeKind::Nhi, &format!("sp{i}"), &format!("svc-{i}")))
            .collect();
        all_identities.extend(&humans);
        all_identities.extend(&nhis);
        for &h in &humans {
            if rng.chance(10) {
                let r = rng.pick(&custom);
                g.link(h, r, EdgeKind::HasRole, None);
            }
        }
        // Admins: 0.5% of people hold a built-in admin role directly; admin-group members too.
        for &h in &humans {
            if rng.chance(1) && rng.chance(50) {
                let r = rng.pick(&builtin);
                g.link(h, r, EdgeKind::HasRole, None);
                admins.push(h);
            }
        }
        for &admin_group in leaves.iter().take(builtin.len()) {
            for _ in 0..20 {
                let h = rng.pick(&humans);
                g.link(h, admin_group, EdgeKind::MemberOf, None);
                admins.push(h);
            }
        }
        // NHIs: 1–2 owners, 1–3 secrets, a custom role, 2% an admin role, 5% can assume another.
        for (i, &n) in nhis.iter().enumerate() {
            for _ in 0..1 + rng.below(2) {
                let h = rng.pick(&humans);
                g.link(h, n, EdgeKind::Owns, None);
            }
            for k in 0..1 + rng.below(3) {
                let s = g.ensure(p, tenant, NodeKind::Secret, &format!("sp{i}-key{k}"), &format!("svc-{i} key {k}"));
                g.link(n, s, EdgeKind::HasSecret, None);
            }
            let r = rng.pick(&custom);
            g.link(n, r, EdgeKind::HasRole, None);
            if rng.chance(2) {
                let r = rng.pick(&builtin);
                g.link(n, r, EdgeKind::HasRole, None);
                admins.push(n);
            }
            if rng.chance(5) {
                let other = rng.pick(&nhis);
                g.link(n, other, EdgeKind::CanAssume, None);
            }
        }
        // Direct control edges: 2% of people are help-desk leads over 20 named users; 4% can
        // add credentials to 3 named NHIs.
        for &h in &humans {
            if rng.chance(2) {
                for _ in 0..20 {
                    let target = rng.pick(&humans);
                    let kind = if rng.chance(50) { EdgeKind::CanResetPassword } else { EdgeKind::CanResetFactors };
                    g.link(h, target, kind, None);
                }
            }
            if rng.chance(4) {
                for _ in 0..3 {
                    let target = rng.pick(&nhis);
                    g.link(h, target, EdgeKind::CanAddCredentials, None);
                }
            }
        }
        humans_by_tenant.push(humans);
        leaves_by_tenant.push(leaves);
    }
    // Group memberships fill the rest, up to the edge target (people average ~8 groups).
    while g.edge_count() < target_edges {
        let t = rng.below(TENANTS.len());
        let h = rng.pick(&humans_by_tenant[t]);
        let l = rng.pick(&leaves_by_tenant[t]);
        g.link(h, l, EdgeKind::MemberOf, None);
    }
    admins.sort_unstable();
    admins.dedup();
    Generated { graph: g, identities: all_identities, admins, built_in: start.elapsed() }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn measure(name: &str, graph: &Graph, queries: &[NodeId]) {
    let mut times: Vec<Duration> = Vec::with_capacity(queries.len());
    let mut slowest = (Duration::ZERO, 0);
    for &q in queries {
        let start = Instant::now();
        black_box(graph.blast_summary(black_box(q), 5));
        let took = start.elapsed();
        slowest = slowest.max((took, q));
        times.push(took);
    }
    times.sort_unstable();
    // The slowest query again: if it is fast now, the outlier was the machine, not the graph.
    let radius = graph.blast_radius(slowest.1);
    let again = Instant::now();
    black_box(graph.blast_summary(slowest.1, 5));
    println!(
        "{name}: slowest {} ({:.3} ms; {:.3} ms again) reaches {} nodes ({} scopes)",
        graph.node(slowest.1).map(|n| n.name.as_str()).unwrap_or("?"),
        slowest.0.as_secs_f64() * 1e3,
        again.elapsed().as_secs_f64() * 1e3,
        radius.all().count(),
        radius.scopes.len()
    );
    println!(
        "{name}: {} queries, p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        times.len(),
        percentile(&times, 0.50).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3,
        times.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
    );
}

fn main() {
    let test_mode = std::env::args().any(|a| a == "--test");
    let identities: usize = std::env::var("FACTORWATCH_BENCH_IDENTITIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if test_mode { 2_000 } else { 100_000 });
    let generated = generate(identities);
    let g = &generated.graph;
    println!(
        "graph: {} identities ({} admins), {} nodes, {} edges, built in {:.2} s",
        generated.identities.len(),
        generated.admins.len(),
        g.len(),
        g.edge_count(),
        generated.built_in.as_secs_f64()
    );
    let mut rng = Rng(42);
    let mut mixed: Vec<NodeId> =
        (0..10_000 - generated.admins.len().min(10_000)).map(|_| rng.pick(&generated.identities)).collect();
    mixed.extend(&generated.admins);
    let queries = if test_mode { &mixed[..100] } else { &mixed[..] };
    measure("blast_summary, sampled identities and every admin", g, queries);
    measure("blast_summary, admins only", g, &generated.admins);

    let mut c = Criterion::default().configure_from_args();
    let mut i = 0usize;
    c.bench_function("blast_summary/sampled", |b| {
        b.iter(|| {
            i = (i + 1) % mixed.len();
            black_box(g.blast_summary(mixed[i], 5))
        })
    });
    let mut j = 0usize;
    c.bench_function("blast_summary/admin", |b| {
        b.iter(|| {
            j = (j + 1) % generated.admins.len();
            black_box(g.blast_summary(generated.admins[j], 5))
        })
    });
    c.final_summary();
}
