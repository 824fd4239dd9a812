//! `factorwatch graph`: import inventories into the stored identity graph, and ask it who an
//! identity is, what it can reach, and which non-human identities are poorly kept.

use crate::cli::{GraphArgs, GraphCommand, GraphFormat, PostureFormat};
use crate::inputs::NothingRead;
use anyhow::{Context, bail};
use graph::import::ImportError;
use graph::{Graph, NodeId};
use model::Provider;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use store::{IdentityGraph, Sqlite};

pub fn run(args: GraphArgs) -> anyhow::Result<ExitCode> {
    let db_path = database(args.data_dir)?;
    match args.command {
        GraphCommand::Import { files, snapshot_time } => import(&db_path, &files, snapshot_time),
        GraphCommand::Show { identity, provider } => {
            let g = load(&db_path)?;
            let node = find(&g, &identity, provider.as_deref())?;
            show(&g, node)
        }
        GraphCommand::BlastRadius { identity, provider, format } => {
            let g = load(&db_path)?;
            let node = find(&g, &identity, provider.as_deref())?;
            blast_radius(&g, node, format)
        }
        GraphCommand::Posture { max_secret_age_days, format } => {
            let g = load(&db_path)?;
            posture(&g, max_secret_age_days, format)
        }
    }
}

fn posture(g: &Graph, max_age_days: i64, format: PostureFormat) -> anyhow::Result<ExitCode> {
    let settings = graph::PostureSettings { max_secret_age: chrono::Duration::days(max_age_days.max(0)) };
    let findings = graph::posture(g, &settings, chrono::Utc::now());
    let mut out = std::io::stdout().lock();
    match format {
        PostureFormat::Json => {
            for f in &findings {
                writeln!(out, "{}", serde_json::to_string(f)?)?;
            }
        }
        PostureFormat::Table => {
            for f in &findings {
                let ids = std::iter::once(f.owasp_nhi).chain(f.csf.iter().copied()).collect::<Vec<_>>().join(", ");
                writeln!(out, "{} {:?} {}: {} [{ids}]", f.check.id(), f.status, f.nhi_name, f.why)?;
                for path in &f.paths {
                    writeln!(out, "    {path}")?;
                }
            }
            writeln!(std::io::stderr().lock(), "{} posture findings", findings.len())?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn database(data_dir: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    let Some(dir) = data_dir.or_else(store::default_data_dir) else {
        bail!("no data folder: set --data-dir, $FACTORWATCH_DATA_DIR, $XDG_DATA_HOME or $HOME")
    };
    Ok(dir.join(store::DB_FILE))
}

fn load(db_path: &Path) -> anyhow::Result<Graph> {
    let db = Sqlite::open(db_path)?;
    let g = db.load_graph()?;
    if g.is_empty() {
        bail!(
            "the graph in {} is empty: import an inventory first (`factorwatch graph import FILE`)",
            db_path.display()
        );
    }
    Ok(g)
}

fn import(
    db_path: &Path,
    files: &[PathBuf],
    snapshot_time: Option<chrono::DateTime<chrono::Utc>>,
) -> anyhow::Result<ExitCode> {
    let mut db = Sqlite::open(db_path)?;
    let mut g = db.load_graph()?;
    let mut err = std::io::stderr().lock();
    for file in files {
        let text = read_inventory(file)?;
        let options = crate::hunting::import_options(file, snapshot_time);
        let imported = match graph::import::import_with(&mut g, &file.display().to_string(), &text, &options) {
            // Not a document of any format read: nothing to import, as for a missing file.
            Err(
                e @ (ImportError::NotJson { .. }
                | ImportError::NotYaml { .. }
                | ImportError::NotADocument { .. }
                | ImportError::UnknownShape { .. }),
            ) => return Err(NothingRead { reasons: vec![e.to_string()] }.into()),
            other => other?,
        };
        writeln!(
            err,
            "{}: {} (+{} nodes, +{} edges)",
            file.display(),
            imported.format,
            imported.nodes,
            imported.edges
        )?;
    }
    db.save_graph(&g)?;
    writeln!(err, "graph: {} nodes, {} edges, stored in {}", g.len(), g.edge_count(), db_path.display())?;
    Ok(ExitCode::SUCCESS)
}

/// The text of an inventory file; a missing, unreadable or folder path is nothing to read.
fn read_inventory(file: &Path) -> Result<String, NothingRead> {
    if file.is_dir() {
        return Err(NothingRead::at(file, "is a folder; give the inventory files themselves"));
    }
    std::fs::read_to_string(file).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => NothingRead::at(file, "does not exist"),
        _ => NothingRead::at(file, format_args!("cannot be read: {e}")),
    })
}

/// The one identity `who` names: its id or login, in `--provider`'s provider or one named as
/// a prefix (`okta:alice@acme.com`). Several accounts with that login are listed, never one
/// picked for the user.
fn find(g: &Graph, who: &str, provider: Option<&str>) -> anyhow::Result<NodeId> {
    let mut provider = match provider {
        Some(p) => Some(Provider::parse(p).with_context(|| format!("--provider: unknown provider `{p}`"))?),
        None => None,
    };
    let mut matches = matching(g, who, provider);
    let mut who = who;
    if matches.is_empty()
        && provider.is_none()
        && let Some((prefix, rest)) = who.split_once(':')
        && let Some(p) = Provider::parse(prefix)
    {
        (provider, who) = (Some(p), rest);
        matches = matching(g, who, provider);
    }
    // An id is exact; it wins over accounts whose login happens to be the same text.
    let by_id: Vec<NodeId> = matches.iter().copied().filter(|&n| g.node(n).is_some_and(|n| n.id == who)).collect();
    if by_id.len() == 1 {
        return Ok(by_id[0]);
    }
    match matches.as_slice() {
        [] => bail!("no identity `{who}` in the graph (give its id or login; --provider narrows)"),
        [one] => Ok(*one),
        several => bail!("{}", ambiguous(g, who, provider, several)),
    }
}

/// Identities and NHIs whose id is `who` or whose login is `who` (any case), in `provider`.
fn matching(g: &Graph, who: &str, provider: Option<Provider>) -> Vec<NodeId> {
    g.nodes()
        .filter(|(_, n)| matches!(n.kind, graph::NodeKind::Human | graph::NodeKind::Nhi))
        .filter(|(_, n)| provider.is_none_or(|p| n.provider == p))
        .filter(|(_, n)| n.id == who || n.name.eq_ignore_ascii_case(who))
        .map(|(id, _)| id)
        .collect()
}

/// What to say when `who` names several accounts: each one, and how to name one of them.
fn ambiguous(g: &Graph, who: &str, provider: Option<Provider>, several: &[NodeId]) -> String {
    let rows: Vec<[String; 4]> = several
        .iter()
        .filter_map(|&n| g.node(n))
        .map(|n| [n.provider.as_str().to_string(), n.tenant.to_string(), n.id.to_string(), n.name.to_string()])
        .collect();
    let providers: std::collections::BTreeSet<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    let hint = if providers.len() > 1 && provider.is_none() {
        let first = providers.first().copied().unwrap_or("okta");
        format!("name the provider (`--provider {first}` or `{first}:{who}`), or give the id")
    } else {
        "give the id".to_string()
    };
    let table = crate::text::table(&["PROVIDER", "TENANT", "ID", "LOGIN"], &rows);
    format!("`{who}` is the login of {} accounts; {hint}:\n{table}", rows.len())
}

fn show(g: &Graph, node: NodeId) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    let Some(n) = g.node(node) else { bail!("node {node} vanished") };
    writeln!(out, "{} ({:?}, {} {}, id {})", n.name, n.kind, n.provider, n.tenant, n.id)?;
    writeln!(out, "tier {}", graph::tier_of(g, node))?;
    for e in g.out_edges(node) {
        let to = g.node(e.to).map_or("?", |t| t.name.as_str());
        let learned = e.learned.map(|t| format!(" (learned {})", t.format("%Y-%m-%d %H:%M UTC"))).unwrap_or_default();
        writeln!(out, "  {} {to}{learned}", e.kind.words())?;
    }
    for e in g.in_edges(node) {
        let from = g.node(e.from).map_or("?", |f| f.name.as_str());
        writeln!(out, "  ← {from} {}", e.kind.words())?;
    }
    if let Some(listed) = n.factors_listed {
        writeln!(out, "factors listed in the snapshot of {}:", listed.format("%Y-%m-%d %H:%M UTC"))?;
        if n.factors.is_empty() {
            writeln!(out, "  none")?;
        }
        for f in &n.factors {
            let kind = f.kind.as_deref().unwrap_or("?");
            let id = f.id.as_deref().map(|i| format!(" id {i}")).unwrap_or_default();
            let name = f.name.as_deref().map(|n| format!(" \"{n}\"")).unwrap_or_default();
            writeln!(out, "  {kind} ({}){id}{name} from {}", f.class, f.source)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn blast_radius(g: &Graph, node: NodeId, format: GraphFormat) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    let radius = g.blast_radius(node);
    let tier = graph::tier_of_reach(g, &radius);
    let sections = [
        ("scopes", &radius.scopes),
        ("identities", &radius.identities),
        ("non-human identities", &radius.nhi),
        ("secrets", &radius.secrets),
        ("roles", &radius.roles),
        ("groups", &radius.groups),
    ];
    match format {
        GraphFormat::Dot => write!(out, "{}", graph::blast_radius_dot(g, node))?,
        GraphFormat::Table => {
            let summary = g.blast_summary(node, 0);
            let name = g.node(node).map_or("?", |n| n.name.as_str());
            writeln!(
                out,
                "{name}: tier {tier}; controls {} identities, {} roles, {} non-human identities, {} secrets",
                summary.identities, summary.roles, summary.nhi, summary.secrets
            )?;
            for (title, reaches) in sections {
                if reaches.is_empty() {
                    continue;
                }
                writeln!(out, "\n{title}:")?;
                for r in reaches {
                    writeln!(out, "  {}", g.describe(r))?;
                }
            }
        }
        GraphFormat::Json => {
            let summary = g.blast_summary(node, 5);
            let reach: Vec<serde_json::Value> = sections
                .iter()
                .flat_map(|(title, reaches)| {
                    reaches.iter().map(move |r| {
                        serde_json::json!({
                            "section": title,
                            "node": g.node(r.node).map(|n| n.key.to_string()),
                            "via": r.via.map(|v| v.words()),
                            "path": g.describe(r),
                        })
                    })
                })
                .collect();
            let doc = serde_json::json!({
                "identity": g.node(node).map(|n| n.key.to_string()),
                "tier": tier,
                "summary": summary,
                "reach": reach,
            });
            writeln!(out, "{}", serde_json::to_string_pretty(&doc)?)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
