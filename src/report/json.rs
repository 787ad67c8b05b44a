//! `--format json` and `--json PATH`: the whole run as data.

use super::{Event, Reporter, Summary};
use crate::plan::Plan;

#[derive(Default)]
pub struct JsonReporter;

impl Reporter for JsonReporter {
    fn event(&mut self, event: &Event) {
        if let Event::Finished { plan, summary } = event {
            print!("{}", String::from_utf8_lossy(&render(plan, summary)));
        }
    }
}

/// The run as one JSON document (also `--json PATH`).
pub fn render(plan: &Plan, summary: &Summary) -> Vec<u8> {
    let mut value = serde_json::to_value(summary).unwrap_or_default();
    value["tier_reason"] = plan.tier.reason.clone().into();
    let mut out = serde_json::to_vec_pretty(&value).unwrap_or_default();
    out.push(b'\n');
    out
}
