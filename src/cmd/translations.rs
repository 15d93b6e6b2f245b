//! `pocketguide translations`: status, stamp, diff, and the PO round trip.

use super::{fail, print, say};
use pocketguide::diagnostic::display_path;
use pocketguide::translations::diff::{self, Style};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    what: Option<What>,
    /// The site folder
    #[arg(long, default_value = ".", global = true)]
    site: PathBuf,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Record the current source hash in this translation (after updating it)
    #[arg(long, value_name = "FILE")]
    stamp: Option<PathBuf>,
}

#[derive(clap::Subcommand)]
enum What {
    /// What changed in the source page since this translation was made
    Diff {
        /// A translation, e.g. content/uz-ee/ru/rights-at-work.md
        file: PathBuf,
    },
    /// Write gettext PO files for translation tools (Poedit, Weblate, Crowdin)
    Export {
        /// The language to translate into
        #[arg(long)]
        lang: String,
        /// Only this corridor (all that publish the language otherwise)
        #[arg(long)]
        corridor: Option<String>,
        /// Where to write <corridor>/<lang>.po
        #[arg(long)]
        out: PathBuf,
    },
    /// Write a translated PO file back into the pages
    Import {
        /// A PO file made by `export`
        file: PathBuf,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Table,
    Json,
    Html,
}

pub fn run(args: Args) -> ExitCode {
    match args.what {
        Some(What::Diff { file }) => return show_diff(&args.site, &file),
        Some(What::Export {
            lang,
            corridor,
            out,
        }) => {
            return match pocketguide::export_po(&args.site, &lang, corridor.as_deref(), &out) {
                Ok(files) => {
                    for f in files {
                        say(format!("wrote {}", f.display()));
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
        Some(What::Import { file }) => {
            return match pocketguide::import_po(&args.site, &file) {
                Ok(done) => {
                    for f in &done.written {
                        say(format!("wrote {}", display_path(f)));
                    }
                    for f in &done.stamped {
                        say(format!("stamped {} (fully translated)", display_path(f)));
                    }
                    if done.written.is_empty() {
                        say("nothing changed");
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
        None => {}
    }
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
    if let Format::Html = args.format {
        return match pocketguide::translation_status_page(&args.site) {
            Ok(page) => {
                print(page);
                ExitCode::SUCCESS
            }
            Err(e) => fail(e),
        };
    }
    match pocketguide::translation_status(&args.site) {
        Ok((site, rows)) => {
            match args.format {
                Format::Json => say(serde_json::to_string_pretty(&rows).expect("rows serialise")),
                _ => print(pocketguide::translations::table(
                    &site,
                    &rows,
                    pocketguide::today(),
                )),
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

fn show_diff(site: &std::path::Path, file: &std::path::Path) -> ExitCode {
    let report = match pocketguide::translation_diff(site, file) {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    let (translation, source) = (
        display_path(&report.translation),
        display_path(&report.source),
    );
    let Some(since) = &report.changes.since else {
        say(format!(
            "nothing changed: {translation} is up to date with {source}"
        ));
        return ExitCode::SUCCESS;
    };
    say(format!(
        "{source} since {translation} was translated from it (commit {}, {}):\n",
        since.commit, since.date
    ));
    let colour = std::io::IsTerminal::is_terminal(&std::io::stdout())
        && std::env::var_os("NO_COLOR").is_none();
    let style = if colour { Style::Colour } else { Style::Marks };
    if report.changes.hunks.is_empty() {
        say("only white space changed");
    }
    print(diff::render(&report.changes.hunks, style));
    ExitCode::SUCCESS
}
