//! GitHub enterprise audit-log stream records (docs/events.md §6).

use super::{device, ip, people};
use crate::World;
use crate::event::{Act, Ev};
use crate::ids;
use crate::tenant::{GITHUB_BUSINESS, GITHUB_ORG};
use std::io::{self, Write};

pub fn line(w: &mut impl Write, world: &World, e: &Ev) -> io::Result<()> {
    let (subject, _) = people(world, e);
    let ua = device(world, e, subject).user_agent;
    write!(w, r#"{{"@timestamp":{},"_document_id":""#, e.t)?;
    ids::base62(w, ids::hash(&[world.seed, 0x61, u64::from(e.seq)]), 22)?;
    write!(
        w,
        r#"","action":"{}","actor":"{}","actor_id":{},"actor_is_bot":false,"actor_ip":""#,
        e.act.action(),
        subject.github_login,
        subject.github_id
    )?;
    ip(w, e)?;
    write!(
        w,
        r#"","actor_location":{{"country_code":"{}"}},"business":"{GITHUB_BUSINESS}","business_id":4242,"created_at":{},"org":"{GITHUB_ORG}","org_id":777001,"user_agent":"{ua}","request_id":""#,
        e.net.place().code,
        e.t
    )?;
    ids::uuid(w, ids::hash(&[world.seed, 0x62, u64::from(e.seq)]))?;
    match e.act {
        Act::GithubStreamDestroy => {
            w.write_all(br#"","operation_type":"remove","audit_log_stream_id":2222,"audit_log_stream_sink":"Splunk"}"#)
        }
        _ => write!(
            w,
            r#"","operation_type":"modify","repo":"{GITHUB_ORG}/service-{}","repository":"{GITHUB_ORG}/service-{}","transport_protocol_name":"http"}}"#,
            subject.index % 23,
            subject.index % 23
        ),
    }
}
