//! One writer per provider: each formats planned lines as that provider's native JSON.
//! Every string written comes from the generator's own tables and ids (ASCII letters,
//! digits, spaces and `.-_:/()+;,@`), so nothing needs JSON escaping.

mod aws;
mod duo;
mod entra;
mod github;
mod google;
mod okta;

use crate::World;
use crate::event::{Actor, Dev, Ev, Source};
use crate::ids;
use crate::tenant::{Device, User};
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

pub fn write_file(source: Source, world: &World, evs: &[Ev], path: &Path) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut w = BufWriter::with_capacity(1 << 20, File::create(path)?);
    for e in evs {
        match source {
            Source::Okta => okta::line(&mut w, world, e)?,
            Source::EntraAudit => entra::audit(&mut w, world, e)?,
            Source::EntraSignin => entra::signin(&mut w, world, e)?,
            Source::Aws => aws::line(&mut w, world, e)?,
            Source::Google => google::line(&mut w, world, e)?,
            Source::Github => github::line(&mut w, world, e)?,
            Source::Duo => duo::line(&mut w, world, e)?,
        }
        w.write_all(b"\n")?;
    }
    w.flush()
}

pub fn ip(w: &mut impl Write, e: &Ev) -> io::Result<()> {
    let [a, b, c, d] = e.net.ip;
    write!(w, "{a}.{b}.{c}.{d}")
}

/// The subject of a line and the person who acted (the subject itself unless another).
pub fn people<'w>(world: &'w World, e: &Ev) -> (&'w User, Option<&'w User>) {
    let subject = world.tenant.user(e.user);
    let actor = match e.actor {
        Actor::Subject => Some(subject),
        Actor::User(i) => Some(world.tenant.user(i)),
        Actor::System => None,
    };
    (subject, actor)
}

/// User agents of attackers' tools and browsers.
const FOREIGN_UAS: &[(&str, &str, &str)] = &[
    (
        "Windows 10",
        "CHROME",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0.0.0 Safari/537.36",
    ),
    ("Linux", "FIREFOX", "Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Firefox/115.0"),
    (
        "Android",
        "CHROME",
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Mobile Safari/537.36",
    ),
];

/// The device fields of a line: (OS, browser, user agent), and the device's ids.
pub struct DeviceView<'a> {
    pub os: &'a str,
    pub browser: &'a str,
    pub user_agent: &'a str,
    pub own: Option<&'a Device>,
    pub foreign: u64,
}

pub fn device<'a>(world: &World, e: &Ev, person: &'a User) -> DeviceView<'a> {
    match e.dev {
        Dev::Own(i) => {
            let d = person.device(i);
            DeviceView { os: d.os, browser: d.browser, user_agent: d.user_agent, own: Some(d), foreign: 0 }
        }
        Dev::Foreign(k) => {
            let (os, browser, user_agent) =
                FOREIGN_UAS.get(k as usize % FOREIGN_UAS.len()).copied().unwrap_or(FOREIGN_UAS[0]);
            DeviceView { os, browser, user_agent, own: None, foreign: ids::hash(&[world.seed, 0xD0, u64::from(k)]) }
        }
    }
}

impl DeviceView<'_> {
    pub fn dt_hash(&self, w: &mut impl Write) -> io::Result<()> {
        match self.own {
            Some(d) => w.write_all(d.dt_hash.as_bytes()),
            None => ids::hex(w, self.foreign, 64),
        }
    }

    pub fn entra_id(&self, w: &mut impl Write) -> io::Result<()> {
        match self.own {
            Some(d) => w.write_all(d.entra_id.as_bytes()),
            None => Ok(()),
        }
    }

    pub fn epkey(&self, w: &mut impl Write) -> io::Result<()> {
        match self.own {
            Some(d) => w.write_all(d.epkey.as_bytes()),
            None => {
                w.write_all(b"EP")?;
                ids::upper(w, self.foreign, 18)
            }
        }
    }
}
