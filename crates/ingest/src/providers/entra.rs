use super::Result;
use crate::context::{Ctx, Relevance};
use crate::json::View;
use model::Event;

pub fn diagnostic(_rec: View<'_, '_>, _ctx: &Ctx<'_>, _out: &mut Vec<Event>) -> Result {
    Ok(Relevance::NotRelevant("unimplemented".into()))
}

pub fn graph_audit(_rec: View<'_, '_>, _ctx: &Ctx<'_>, _out: &mut Vec<Event>) -> Result {
    Ok(Relevance::NotRelevant("unimplemented".into()))
}

pub fn graph_signin(_rec: View<'_, '_>, _ctx: &Ctx<'_>, _out: &mut Vec<Event>) -> Result {
    Ok(Relevance::NotRelevant("unimplemented".into()))
}

pub fn la_audit(_rec: View<'_, '_>, _ctx: &Ctx<'_>, _out: &mut Vec<Event>) -> Result {
    Ok(Relevance::NotRelevant("unimplemented".into()))
}

pub fn la_signin(_rec: View<'_, '_>, _ctx: &Ctx<'_>, _out: &mut Vec<Event>) -> Result {
    Ok(Relevance::NotRelevant("unimplemented".into()))
}
