//! The planned lines of every source, before they are sorted and written.

use crate::event::{Act, Actor, Dev, Ev, Source};
use crate::tenant::User;

#[derive(Default)]
pub struct Plan {
    lines: [Vec<Ev>; Source::ALL.len()],
    seq: u32,
}

impl Plan {
    pub fn with_capacity(total: usize) -> Plan {
        let mut plan = Plan::default();
        // Okta carries about half the lines.
        if let Some(okta) = plan.lines.get_mut(Source::Okta.index()) {
            okta.reserve(total / 2);
        }
        plan
    }

    /// Adds a line and returns its sequence number.
    pub fn push(&mut self, source: Source, mut ev: Ev) -> u32 {
        self.seq += 1;
        ev.seq = self.seq;
        if let Some(list) = self.lines.get_mut(source.index()) {
            list.push(ev);
        }
        self.seq
    }

    pub fn total(&self) -> usize {
        self.lines.iter().map(Vec::len).sum()
    }

    /// Every source's lines in time order (sequence order for equal times).
    pub fn into_sorted(mut self) -> [Vec<Ev>; Source::ALL.len()] {
        for list in &mut self.lines {
            list.sort_unstable_by_key(|e| (e.t, e.seq));
        }
        self.lines
    }
}

/// A line by `user` about itself, from home, on its first device, with its own factor.
pub fn ev(t: i64, act: Act, user: &User) -> Ev {
    Ev {
        t,
        seq: 0,
        act,
        user: user.index,
        actor: Actor::Subject,
        net: user.net,
        dev: Dev::Own(0),
        factor: 0,
        ok: true,
        detail: 0,
    }
}
