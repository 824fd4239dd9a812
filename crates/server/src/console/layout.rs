//! The page shell: head, navigation, who is signed in, and the sign-out form.

use crate::console::session::User;
use maud::{DOCTYPE, Markup, html};

/// Which navigation entry is the current page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    Queue,
    Approvals,
    Coverage,
    None,
}

pub fn page(title: &str, nav: Nav, user: Option<&User>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="color-scheme" content="light dark";
                title { (title) " · factorwatch" }
                link rel="icon" href="/console/assets/favicon.svg" type="image/svg+xml";
                link rel="stylesheet" href="/console/assets/console.css";
                script src="/console/assets/console.js" defer {}
            }
            body {
                a.skip href="#main" { "Skip to content" }
                header.top {
                    a.brand href="/console" { "factorwatch" }
                    @if let Some(user) = user {
                        nav aria-label="Main" {
                            ul {
                                li { a href="/console" aria-current=[(nav == Nav::Queue).then_some("page")] { "Queue" } }
                                li { a href="/console/approvals" aria-current=[(nav == Nav::Approvals).then_some("page")] { "Approvals" } }
                                li { a href="/console/coverage" aria-current=[(nav == Nav::Coverage).then_some("page")] { "Coverage" } }
                            }
                        }
                        form.signout method="post" action="/console/logout" {
                            input type="hidden" name="_csrf" value=(user.session.csrf);
                            span.who { (user.caller().name) " · " (user.caller().role.as_str()) }
                            button type="submit" { "Sign out" }
                        }
                    }
                }
                main id="main" tabindex="-1" { (body) }
            }
        }
    }
}

/// A severity as a coloured label (colour is never the only signal: the word is there).
pub fn severity(s: model::Severity) -> Markup {
    html! { span class={ "sev sev-" (s.as_str()) } { (s.as_str()) } }
}

/// A finding's or incident's summary with long machine ids (device fingerprints, factor ids)
/// cut short, as the CLI's table does; the whole text stays in the tooltip and the evidence.
pub fn summary(text: &str) -> Markup {
    let short = detect::output::short_ids::shorten(text);
    if short == text {
        html! { (text) }
    } else {
        html! { span title=(text) { (short) } }
    }
}

pub fn status(s: store::Status) -> Markup {
    html! { span class={ "status status-" (s.as_str()) } { (s.as_str().replace('_', " ")) } }
}

pub fn time(t: chrono::DateTime<chrono::Utc>) -> Markup {
    html! { time datetime=(t.to_rfc3339()) { (t.format("%Y-%m-%d %H:%M UTC")) } }
}

/// A time given as RFC 3339 text (from a JSON view), shown like [`time`]; other text as it is,
/// and nothing for JSON `null`.
pub fn time_text(value: &serde_json::Value) -> Markup {
    match value.as_str().map(|s| (s, chrono::DateTime::parse_from_rfc3339(s))) {
        Some((_, Ok(t))) => time(t.with_timezone(&chrono::Utc)),
        Some((s, Err(_))) => html! { (s) },
        None if value.is_null() => html! {},
        None => html! { (value.to_string()) },
    }
}

/// A wide table that scrolls sideways inside its own box instead of widening the page.
pub fn scroll(table: Markup) -> Markup {
    html! { div.scroll { (table) } }
}

/// Pretty JSON for `<pre>`, escaped by maud.
pub fn json(value: &impl serde::Serialize) -> Markup {
    let text = serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("cannot show: {e}"));
    html! { pre.json { code { (text) } } }
}

/// A notice at the top of a page (after a form was refused, say).
pub fn notice(text: Option<&str>) -> Markup {
    html! {
        @if let Some(text) = text {
            p.notice role="alert" { (text) }
        }
    }
}

/// An empty-state line.
pub fn empty(text: &str) -> Markup {
    html! { p.empty { (text) } }
}

#[cfg(test)]
mod summary_tests {
    use super::summary;

    #[test]
    fn a_long_device_fingerprint_is_cut_in_the_summary_and_kept_whole_in_its_tooltip() {
        let text = "factor bound from device 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b by alice@acme.com";
        let shown = summary(text).into_string();
        assert!(shown.contains("device 9f86d081… by alice@acme.com"), "{shown}");
        assert!(shown.contains(&format!("title=\"{text}\"")), "{shown}");
        assert_eq!(summary("alice@acme.com bound a TOTP").into_string(), "alice@acme.com bound a TOTP");
    }
}
