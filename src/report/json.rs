//! `--format json`: the whole run as data on stdout.

use super::{Event, Reporter};

#[derive(Default)]
pub struct JsonReporter;

impl Reporter for JsonReporter {
    fn event(&mut self, event: &Event) {
        if let Event::Finished { plan, summary } = event {
            let mut value = serde_json::to_value(summary).unwrap_or_default();
            value["tier_reason"] = plan.tier.reason.clone().into();
            println!(
                "{}",
                serde_json::to_string_pretty(&value).unwrap_or_default()
            );
        }
    }
}
