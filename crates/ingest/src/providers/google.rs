use super::Result;
use crate::context::{Ctx, Relevance};
use crate::json::View;
use model::Event;

pub fn normalize(_rec: View<'_, '_>, _ctx: &Ctx<'_>, _out: &mut Vec<Event>) -> Result {
    Ok(Relevance::NotRelevant("unimplemented".into()))
}
