//! Google Workspace Reports API activities (docs/events.md §5), one activity per line.

use super::{ip, people};
use crate::World;
use crate::clock::{Style, write_time};
use crate::event::{Act, Ev};
use crate::ids;
use crate::tenant::{DOMAIN, GOOGLE_CUSTOMER};
use std::io::{self, Write};

pub fn line(w: &mut impl Write, world: &World, e: &Ev) -> io::Result<()> {
    let (subject, actor) = people(world, e);
    let actor = actor.unwrap_or(subject);
    let (app, kind) = match e.act {
        Act::GoogleLogin => ("login", "login"),
        Act::GoogleAdminChangePassword => ("admin", "USER_SETTINGS"),
        Act::GoogleDriveView => ("drive", "access"),
        Act::Google2svDisable => ("user_accounts", "2sv_change"),
        Act::GoogleRecoveryPhoneEdit => ("user_accounts", "recovery_info_change"),
        _ => ("user_accounts", "password_change"),
    };
    let name = match e.act {
        Act::GoogleLogin if !e.ok => "login_failure",
        other => other.action(),
    };
    w.write_all(br#"{"kind":"admin#reports#activity","id":{"time":""#)?;
    write_time(w, e.t, Style::Millis)?;
    let q = ids::hash(&[world.seed, 0x60, u64::from(e.seq)]) >> 1;
    write!(
        w,
        r#"","uniqueQualifier":"{}","applicationName":"{app}","customerId":"{GOOGLE_CUSTOMER}"}},"etag":"\"acme{:x}\"","actor":{{"callerType":"USER","email":"{}","profileId":"{}"}},"ownerDomain":"{DOMAIN}","ipAddress":""#,
        q as i64,
        q & 0xFFFF_FFFF,
        actor.email,
        actor.google_id
    )?;
    ip(w, e)?;
    write!(w, r#"","events":[{{"type":"{kind}","name":"{name}","parameters":["#)?;
    match e.act {
        Act::GoogleLogin if e.ok => w.write_all(br#"{"name":"login_type","value":"google_password"},{"name":"login_challenge_method","multiValue":["password","google_prompt"]},{"name":"is_suspicious","boolValue":false}"#)?,
        Act::GoogleLogin => w.write_all(br#"{"name":"login_type","value":"google_password"},{"name":"login_challenge_method","multiValue":["password"]},{"name":"login_failure_type","value":"login_failure_invalid_password"},{"name":"is_suspicious","boolValue":false}"#)?,
        Act::GoogleAdminChangePassword => write!(w, r#"{{"name":"USER_EMAIL","value":"{}"}}"#, subject.email)?,
        Act::GoogleDriveView => write!(w, r#"{{"name":"doc_id","value":"1acme{}"}},{{"name":"doc_type","value":"document"}},{{"name":"owner","value":"{}"}}"#, e.seq, subject.email)?,
        _ => {}
    }
    w.write_all(b"]}]}")
}
