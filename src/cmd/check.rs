//! `pocketguide check`

use super::{fail, say};
use pocketguide::diagnostic;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// The site folder
    #[arg(long, default_value = ".")]
    site: PathBuf,
    /// Fail on warnings too
    #[arg(long)]
    strict: bool,
}

pub fn run(args: Args) -> ExitCode {
    match pocketguide::check_site(&args.site) {
        Ok(diags) => {
            diagnostic::report(&diags);
            let (errors, warnings) = diagnostic::count(&diags);
            if errors > 0 || (args.strict && warnings > 0) {
                ExitCode::from(1)
            } else {
                if diags.is_empty() {
                    say("no problems found");
                }
                ExitCode::SUCCESS
            }
        }
        Err(e) => fail(e),
    }
}
