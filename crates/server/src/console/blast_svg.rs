//! The blast radius drawn as a left-to-right tree in SVG: the identity on the left, each
//! reach path ("alice → IT Help Desk → Authentication Administrator → every identity") merged
//! with the others where they share a prefix.

use maud::{Markup, html};

const COLUMN: usize = 210;
const ROW: usize = 44;
const BOX_W: usize = 180;
const BOX_H: usize = 28;
/// Longest label drawn in a box; the full text is in the box's title.
const LABEL: usize = 26;

struct Node {
    label: String,
    depth: usize,
    row: usize,
    parent: Option<usize>,
}

/// Lays the paths out: one column per step, one row per distinct prefix.
fn layout(root: &str, paths: &[impl AsRef<str>]) -> Vec<Node> {
    let mut nodes = vec![Node { label: root.to_string(), depth: 0, row: 0, parent: None }];
    let mut rows_used = vec![1usize];
    for path in paths {
        let mut steps: Vec<&str> = path.as_ref().split('→').map(str::trim).filter(|s| !s.is_empty()).collect();
        // Paths start with the identity itself.
        if steps.first().is_some_and(|s| s.eq_ignore_ascii_case(root)) {
            steps.remove(0);
        }
        let mut parent = 0;
        for (i, step) in steps.iter().enumerate() {
            let depth = i + 1;
            let existing = nodes.iter().position(|n| n.depth == depth && n.parent == Some(parent) && n.label == *step);
            parent = match existing {
                Some(at) => at,
                None => {
                    if rows_used.len() <= depth {
                        rows_used.resize(depth + 1, 0);
                    }
                    let parent_row = nodes.get(parent).map_or(0, |n| n.row);
                    let row = rows_used[depth].max(parent_row);
                    rows_used[depth] = row + 1;
                    nodes.push(Node { label: step.to_string(), depth, row, parent: Some(parent) });
                    nodes.len() - 1
                }
            };
        }
    }
    nodes
}

fn short(label: &str) -> String {
    if label.chars().count() <= LABEL {
        label.to_string()
    } else {
        let cut: String = label.chars().take(LABEL - 1).collect();
        format!("{cut}…")
    }
}

pub fn draw(root: &str, paths: &[impl AsRef<str>]) -> Markup {
    let nodes = layout(root, paths);
    let width = nodes.iter().map(|n| n.depth).max().unwrap_or(0) * COLUMN + BOX_W + 20;
    let height = nodes.iter().map(|n| n.row).max().unwrap_or(0) * ROW + BOX_H + 20;
    let x = |n: &Node| 10 + n.depth * COLUMN;
    let y = |n: &Node| 10 + n.row * ROW;
    html! {
        svg role="img" aria-label={ "Blast radius of " (root) ": " (paths.len()) " paths" }
            viewBox={ "0 0 " (width) " " (height) } width=(width) height=(height) xmlns="http://www.w3.org/2000/svg" {
            @for n in &nodes {
                @if let Some(p) = n.parent.and_then(|p| nodes.get(p)) {
                    path.edge d={ "M" (x(p) + BOX_W) " " (y(p) + BOX_H / 2) " C" (x(p) + BOX_W + 15) " " (y(p) + BOX_H / 2) " " (x(n) - 15) " " (y(n) + BOX_H / 2) " " (x(n)) " " (y(n) + BOX_H / 2) } {}
                }
            }
            @for n in &nodes {
                g {
                    title { (n.label) }
                    rect class=(if n.depth == 0 { "node root" } else { "node" }) x=(x(n)) y=(y(n)) width=(BOX_W) height=(BOX_H) rx="5" {}
                    text x=(x(n) + 8) y=(y(n) + 18) { (short(&n.label)) }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_prefixes_are_drawn_once() {
        let paths = [
            "alice → IT Help Desk → Authentication Administrator → every identity",
            "alice → IT Help Desk → Password Administrator",
            "alice → payments-bot",
        ];
        let nodes = layout("alice", &paths);
        let labels: Vec<&str> = nodes.iter().map(|n| n.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "alice",
                "IT Help Desk",
                "Authentication Administrator",
                "every identity",
                "Password Administrator",
                "payments-bot"
            ]
        );
        assert_eq!(nodes.iter().filter(|n| n.label == "IT Help Desk").count(), 1);
        let rows: Vec<(usize, usize)> = nodes.iter().map(|n| (n.depth, n.row)).collect();
        let mut unique = rows.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), rows.len(), "two boxes share a place: {rows:?}");
    }

    #[test]
    fn labels_are_escaped_and_long_ones_shortened() {
        let svg = draw("<b>", &["<b> → <script>alert(1)</script> with a very long name indeed"]).into_string();
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt;"));
        assert!(svg.contains('…'));
    }
}
