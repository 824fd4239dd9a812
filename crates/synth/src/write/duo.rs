//! Cisco Duo authentication log v2 records (docs/events.md §7), one per line.

use super::{device, ip, people};
use crate::World;
use crate::clock::{SECOND, Style, write_time};
use crate::event::Ev;
use crate::ids;
use std::io::{self, Write};

pub fn line(w: &mut impl Write, world: &World, e: &Ev) -> io::Result<()> {
    let (subject, _) = people(world, e);
    let dev = device(world, e, subject);
    let place = e.net.place();
    let home = subject.home_place();
    write!(w, r#"{{"access_device":{{"browser":"{}","browser_version":"135.0","epkey":""#, dev.browser)?;
    dev.epkey(w)?;
    w.write_all(br#"","hostname":null,"ip":""#)?;
    ip(w, e)?;
    write!(
        w,
        r#"","location":{{"city":"{}","country":"{}","state":"{}"}},"os":"{}","os_version":null}},"alias":"","application":{{"key":"DIW7CQ1N5K9D2Z6X3V8B","name":"Okta SSO"}},"auth_device":{{"ip":null,"key":"{}","location":{{"city":"{}","country":"{}","state":"{}"}},"name":"{}"}},"email":"{}","event_type":"authentication","factor":"duo_push","isotimestamp":""#,
        place.city,
        place.country,
        place.region,
        dev.os,
        subject.duo_phone_key,
        home.city,
        home.country,
        home.region,
        subject.duo_phone_name,
        subject.email
    )?;
    write_time(w, e.t, Style::MicrosOffset)?;
    let (reason, result) = if e.ok { ("user_approved", "success") } else { ("user_denied", "denied") };
    write!(
        w,
        r#"","ood_software":null,"reason":"{reason}","result":"{result}","timestamp":{},"trusted_endpoint_status":"not trusted","txid":""#,
        e.t.div_euclid(SECOND)
    )?;
    ids::uuid(w, ids::hash(&[world.seed, 0xD0D, u64::from(e.seq)]))?;
    write!(w, r#"","user":{{"groups":["Staff"],"key":"{}","name":"{}"}}}}"#, subject.duo_key, subject.login)
}
