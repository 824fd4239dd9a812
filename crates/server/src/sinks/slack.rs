//! Slack incoming webhooks: a `text` line for notifications and Block Kit `blocks` with the
//! severity, detector, identity, summary, tier, blast radius and a link to the incident.

use super::outbox::Payload;
use super::outcome::{self, Outcome};
use super::secret::SecretUrl;
use model::{Finding, Severity};
use reqwest::Url;
use serde_json::{Value, json};

// Slack's limits on block text (Block Kit reference).
const HEADER_CHARS: usize = 150;
const SECTION_CHARS: usize = 3000;
const FIELD_CHARS: usize = 2000;
/// Reachable names listed under the blast radius; the rest are counted.
const TOP_SHOWN: usize = 3;

/// Posts findings to a Slack incoming webhook.
#[derive(Debug, Clone)]
pub struct SlackSender {
    client: reqwest::Client,
    url: SecretUrl,
    console_url: Option<Url>,
}

impl SlackSender {
    /// A sender to `url`, linking to the console at `console_url` when set.
    pub fn new(client: reqwest::Client, url: SecretUrl, console_url: Option<Url>) -> SlackSender {
        SlackSender { client, url, console_url }
    }

    /// Posts one finding's or notice's message.
    pub async fn send(&self, payload: Payload<'_>) -> Outcome {
        let body = match payload {
            Payload::Finding(finding) => message(finding, self.console_url.as_ref()),
            Payload::Notice(notice) => notice_message(notice),
        };
        let request = self
            .client
            .post(self.url.expose().clone())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_string());
        match request.send().await {
            Ok(response) => outcome::from_response(response).await,
            Err(e) => outcome::from_error(e),
        }
    }
}

/// The message for one notice of the decision point: what happened, about whom, for whom.
pub fn notice_message(notice: &store::Notice) -> Value {
    let body: Value = serde_json::from_str(&notice.body).unwrap_or(Value::Null);
    let identity = body["identity"].as_str().unwrap_or("an identity");
    let factor = body["factor_kind"].as_str().unwrap_or("a factor");
    let text = format!("{}: {factor} for {identity} (to {})", notice.kind.replace('_', " "), notice.recipient);
    json!({ "text": mrkdwn(&text, SECTION_CHARS) })
}

/// The message for one finding. Text from the logs (names, summaries) is escaped, so an
/// identity called `<!channel>` cannot notify a channel or forge a link.
pub fn message(finding: &Finding, console_url: Option<&Url>) -> Value {
    let severity = title_case(finding.severity);
    let who = identity(finding);
    let text = mrkdwn(&format!("{severity}: {} ({}) on {who}", finding.name, finding.detector), SECTION_CHARS);
    let mut blocks = vec![
        json!({"type": "header", "text": {"type": "plain_text", "text": plain(&format!("{severity}: {}", finding.name), HEADER_CHARS)}}),
        json!({"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn(&finding.summary, SECTION_CHARS)}}),
        json!({"type": "section", "fields": fields(finding, &severity, &who)}),
    ];
    if let Some(link) = console_url.and_then(|base| incident_link(base, &finding.incident)) {
        blocks.push(json!({"type": "actions", "elements": [{
            "type": "button",
            "text": {"type": "plain_text", "text": "Open incident"},
            "url": link.as_str(),
        }]}));
    }
    let context = format!("finding {} · incident {} · {}", finding.id, finding.incident, finding.time.to_rfc3339());
    blocks.push(json!({"type": "context", "elements": [{"type": "mrkdwn", "text": mrkdwn(&context, FIELD_CHARS)}]}));
    json!({"text": text, "blocks": blocks})
}

fn fields(finding: &Finding, severity: &str, who: &str) -> Vec<Value> {
    let radius = &finding.blast_radius;
    let mut reach = format!(
        "{} identities · {} roles · {} non-human · {} secrets",
        radius.identities, radius.roles, radius.nhi, radius.secrets
    );
    if !radius.top.is_empty() {
        let shown: Vec<&str> = radius.top.iter().take(TOP_SHOWN).map(|t| t.as_str()).collect();
        reach.push_str(&format!("\nincluding {}", shown.join(", ")));
        if radius.top.len() > TOP_SHOWN {
            reach.push_str(&format!(" and {} more", radius.top.len() - TOP_SHOWN));
        }
    }
    let tier = finding.identity.tier;
    let tier_meaning = match tier {
        0 => "controls other identities",
        1 => "controls non-human credentials",
        _ => "ordinary reach",
    };
    let id = &finding.identity;
    let identity = match &id.name {
        Some(name) if *name != id.id => format!("{name} ({}) — {}/{}", id.id, id.provider, id.tenant),
        _ => format!("{who} — {}/{}", id.provider, id.tenant),
    };
    [
        ("Severity", format!("{severity} (risk {})", finding.risk_score)),
        ("Detector", format!("{} {}", finding.detector, finding.name)),
        ("Identity", identity),
        ("Tier", format!("{tier}: {tier_meaning}")),
        ("Blast radius", reach),
    ]
    .into_iter()
    .map(|(label, value)| json!({"type": "mrkdwn", "text": format!("*{label}*\n{}", mrkdwn(&value, FIELD_CHARS - 20))}))
    .collect()
}

fn identity(finding: &Finding) -> String {
    finding.identity.name.as_deref().unwrap_or(&finding.identity.id).to_string()
}

fn title_case(severity: Severity) -> String {
    let text = severity.as_str();
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

/// `<console_url>/incidents/<id>`, the id encoded as one path segment.
pub fn incident_link(base: &Url, incident: &str) -> Option<Url> {
    let mut link = base.clone();
    link.path_segments_mut().ok()?.pop_if_empty().push("incidents").push(incident);
    Some(link)
}

/// Slack mrkdwn with `&`, `<` and `>` escaped, cut to `max` characters with an ellipsis.
pub fn mrkdwn(text: &str, max: usize) -> String {
    let escaped = text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    let mut out = plain(&escaped, max);
    // A cut may split an escape; drop its start rather than leave a bare `&`.
    if out.len() < escaped.len()
        && let Some(amp) = out.rfind('&')
        && !out[amp..].contains(';')
    {
        out.truncate(amp);
        out.push('…');
    }
    out
}

/// Text cut to `max` characters, the last of them an ellipsis when cut.
fn plain(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}
