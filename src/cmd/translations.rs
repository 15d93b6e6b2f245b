//! `pocketguide translations`

use super::{fail, print, say};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// The site folder
    #[arg(long, default_value = ".")]
    site: PathBuf,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Record the current source hash in this translation (after updating it)
    #[arg(long, value_name = "FILE")]
    stamp: Option<PathBuf>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Table,
    Json,
}

pub fn run(args: Args) -> ExitCode {
    if let Some(file) = &args.stamp {
        return match pocketguide::stamp(&args.site, file) {
            Ok(hash) => {
                say(format!(
                    "stamped {} with source_hash {hash}",
                    file.display()
                ));
                ExitCode::SUCCESS
            }
            Err(e) => fail(e),
        };
    }
    match pocketguide::translation_status(&args.site) {
        Ok((site, rows)) => {
            match args.format {
                Format::Json => say(serde_json::to_string_pretty(&rows).expect("rows serialise")),
                Format::Table => print(pocketguide::translations::table(&site, &rows)),
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}
