//! `pocketguide new corridor`

use super::{fail, say};
use pocketguide::diagnostic;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    what: What,
    /// The site folder
    #[arg(long, default_value = ".", global = true)]
    site: PathBuf,
}

#[derive(clap::Subcommand)]
enum What {
    /// A corridor skeleton, e.g. `pocketguide new corridor uz-ee` (never overwrites)
    Corridor {
        /// <origin>-<destination>, ISO 3166-1 alpha-2 codes in lower case
        name: String,
    },
}

pub fn run(args: Args) -> ExitCode {
    match args.what {
        What::Corridor { name } => match pocketguide::new_corridor(&args.site, &name) {
            Ok(files) => {
                say("created:");
                for f in &files {
                    say(format!("  {}", diagnostic::display_path(f)));
                }
                say(format!(
                    "next: translate the titles in content/{name}/corridor.yaml, write the chapters, \
                     add sourced contacts to content/{name}/contacts.yaml, then run `pocketguide check`"
                ));
                ExitCode::SUCCESS
            }
            Err(e) => fail(e),
        },
    }
}
