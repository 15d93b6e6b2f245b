//! The whole of what `check` prints on each fixture, compared with a
//! stored snapshot: a message that changes, or a warning nobody expected,
//! fails here. (`INSTA_UPDATE=always cargo test diagnostics` writes new
//! snapshots; review them with `git diff`.)

use crate::support::*;

fn check_output(site: &Site) -> String {
    let run = site.run_with(&["check"], &[("SOURCE_DATE_EPOCH", "1795478400")]);
    format!("exit status {}\n{}", run.code, run.stderr)
}

#[test]
fn check_on_the_invalid_fixture_says_exactly_this() {
    insta::assert_snapshot!("invalid", check_output(&fixture("invalid")));
}

#[test]
fn check_on_the_basic_fixture_says_exactly_this() {
    insta::assert_snapshot!("basic", check_output(&fixture("basic")));
}

#[test]
fn check_on_the_translate_fixture_says_exactly_this() {
    insta::assert_snapshot!("translate", check_output(&fixture("translate")));
}

#[test]
fn check_on_the_xss_fixture_says_exactly_this() {
    insta::assert_snapshot!("xss", check_output(&fixture("xss")));
}

/// The example site: nothing at all to say, as CI's `check --strict` needs.
#[test]
fn check_on_the_example_says_exactly_this() {
    let run = run_in_with(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")),
        &["check", "--strict"],
        &[("SOURCE_DATE_EPOCH", "1795478400")],
    );
    insta::assert_snapshot!(
        "example",
        format!("exit status {}\n{}", run.code, run.stderr)
    );
}

#[test]
fn check_on_the_scripts_fixture_says_exactly_this() {
    insta::assert_snapshot!("scripts", check_output(&fixture("scripts")));
}
