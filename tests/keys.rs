//! `lakeops keys`: the key table as users read it. docs/keys.md is its Markdown (so the docs
//! cannot drift from the keys), `--json` lists every view with its bindings, and
//! `[keys]` in config.toml changes what it prints.

mod support;

use std::process::{Command, Output};

use lakeops::app::ViewId;

fn lakeops(config: Option<&str>, args: &[&str]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    if let Some(text) = config {
        std::fs::create_dir_all(dir.path().join("config/lakeops")).unwrap();
        std::fs::write(dir.path().join("config/lakeops/config.toml"), text).unwrap();
    }
    Command::new(support::binary())
        .args(args)
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .env("XDG_STATE_HOME", dir.path().join("state"))
        .env_remove("LAKEOPS_PROFILE")
        .output()
        .expect("run lakeops")
}

fn stdout(out: &Output) -> String {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn docs_keys_md_is_lakeops_keys_markdown() {
    let page = std::fs::read_to_string(support::repo_file("docs/keys.md")).expect("docs/keys.md");
    let begin = page.find("<!-- keys:begin").expect("docs/keys.md marks where its table begins");
    let body = &page[begin..];
    let body = &body[body.find("-->").unwrap() + 4..];
    let section = &body[..body.find("<!-- keys:end -->").expect("and where it ends")];
    let printed = stdout(&lakeops(None, &["keys", "--markdown"]));
    assert_eq!(
        section.trim_end(),
        printed.trim_end(),
        "docs/keys.md differs from `lakeops keys --markdown`: paste the output between the markers"
    );
}

#[test]
fn json_lists_every_view_with_its_bindings() {
    let json: serde_json::Value = serde_json::from_str(&stdout(&lakeops(None, &["keys", "--json"]))).unwrap();
    let contexts = json.as_array().unwrap();
    for shared in ["everywhere", "lists", "dialogs"] {
        assert!(contexts.iter().any(|c| c["context"] == shared), "{shared} missing");
    }
    for view in ViewId::ALL {
        let entry = contexts
            .iter()
            .find(|c| c["view"] == view.module())
            .unwrap_or_else(|| panic!("{} is not listed", view.module()));
        let bindings = entry["bindings"].as_array().unwrap();
        let commands: usize = view.spec().keys.iter().map(|b| 1 + usize::from(b.and.is_some())).sum();
        assert_eq!(bindings.len(), commands, "{}: every command of its table", view.module());
        for b in bindings {
            assert!(lakeops::app::Command::parse(b["command"].as_str().unwrap()).is_some(), "{b}");
            assert!(!b["keys"].as_array().unwrap().is_empty(), "{b}");
        }
    }
    let stack = contexts.iter().find(|c| c["view"] == "stack").unwrap();
    assert!(stack["bindings"].as_array().unwrap().iter().any(|b| b["command"] == "delete" && b["changes"] == true));
}

#[test]
fn one_view_as_text_and_a_rebound_key() {
    let out = stdout(&lakeops(None, &["keys", "--view", "streams"]));
    assert!(out.starts_with("Streams (:streams)\n"), "{out}");
    assert!(out.contains("  s  S              sort by the next column / reverse the order"), "{out}");
    let config = "[keys]\nquit = \"Q\"\n[keys.streams]\nsort = [\"o\", \"s\"]\n";
    let out = stdout(&lakeops(Some(config), &["keys"]));
    // Every row is its keys, two spaces at least, and what they do, in one column however long
    // the keys are (a rebound key can be long; the page keys are).
    let quit = out.lines().find(|l| l.trim_start().starts_with("Q ")).expect("quit is listed");
    let column = quit.find("quit").unwrap();
    for row in out.lines().filter(|l| l.starts_with("  ") && !l.contains("no keys of its own")) {
        let chars: Vec<char> = row.chars().collect();
        assert!(
            chars.len() > column && chars[column - 2..column] == [' ', ' '] && chars[column] != ' ',
            "{row:?}\n{out}"
        );
    }
    assert!(out.contains("pgdn ctrl-d  pgup ctrl-u  "), "{out}");
    assert!(
        out.lines().any(|l| l.starts_with("  o s  S ") && l.ends_with("sort by the next column / reverse the order")),
        "{out}"
    );
    let out = lakeops(None, &["keys", "--view", "stremas"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean `streams`?"));
}
