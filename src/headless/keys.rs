//! `lakeops keys [--view V] [--json|--markdown]`: the console's keys as configured.

use super::Failure;
use crate::app::keymap::KeyDocs;
use crate::app::{Keymap, ViewId};
use crate::cli::KeysArgs;
use crate::settings::did_you_mean;

pub fn run(keymap: &Keymap, args: &KeysArgs) -> Result<String, Failure> {
    let view = match &args.view {
        None => None,
        Some(name) => Some(ViewId::named(name.trim_start_matches(':')).ok_or_else(|| {
            let names = ViewId::ALL.iter().map(|v| v.command());
            Failure::Invalid(format!("--view: no view named {name:?}{}", did_you_mean(name, names)))
        })?),
    };
    let docs = KeyDocs { keymap };
    Ok(if args.json {
        serde_json::to_string_pretty(&docs.json(view)).unwrap_or_default() + "\n"
    } else if args.markdown {
        docs.markdown()
    } else {
        docs.text(view)
    })
}
