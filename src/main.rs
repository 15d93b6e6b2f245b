//! The command line: parse arguments, call the library, print diagnostics
//! in one place, exit 0 (success), 1 (content errors) or 2 (wrong usage).

use clap::{Parser, Subcommand};
use pocketguide::diagnostic::{self, Diagnostic};
use pocketguide::{BuildOptions, Error};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Parser)]
#[command(
    name = "pocketguide",
    version,
    about = "Build safe labour-migration pocket guides: a website and printable PDFs"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the whole site into the output folder
    Build {
        /// The site folder
        #[arg(long, default_value = ".")]
        site: PathBuf,
        /// The output folder (replaced as a whole on success)
        #[arg(long, default_value = "public")]
        out: PathBuf,
        /// Absolute address the site is published at (overrides site.yaml)
        #[arg(long)]
        base_url: Option<String>,
        /// HTML only, no PDFs (for quick previews)
        #[arg(long)]
        no_pdf: bool,
    },
    /// Report every problem in the site without writing anything
    Check {
        #[arg(long, default_value = ".")]
        site: PathBuf,
        /// Fail on warnings too
        #[arg(long)]
        strict: bool,
    },
    /// Preview the site on 127.0.0.1, rebuilding and reloading on every save
    Serve {
        #[arg(long, default_value = ".")]
        site: PathBuf,
        /// Port to listen on (0: any free port)
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Open the preview in the default browser
        #[arg(long)]
        open: bool,
    },
    /// Show which translations are ok, missing or outdated
    Translations {
        #[arg(long, default_value = ".")]
        site: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// Record the current source hash in this translation (after updating it)
        #[arg(long, value_name = "FILE")]
        stamp: Option<PathBuf>,
    },
    /// Create something new in the site
    New {
        #[command(subcommand)]
        what: New,
        #[arg(long, default_value = ".", global = true)]
        site: PathBuf,
    },
}

#[derive(Subcommand)]
enum New {
    /// A corridor skeleton, e.g. `pocketguide new corridor uz-ee` (never overwrites)
    Corridor {
        /// <origin>-<destination>, ISO 3166-1 alpha-2 codes in lower case
        name: String,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Table,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            site,
            out,
            base_url,
            no_pdf,
        } => {
            let started = Instant::now();
            let out_display = out.display().to_string();
            match pocketguide::build(&BuildOptions {
                site,
                out,
                base_url,
                pdf: !no_pdf,
                progress: Some(std::sync::Arc::new(Bar::default())),
            }) {
                Ok(report) => {
                    diagnostic::report(&report.diagnostics);
                    println!(
                        "built {} files into {} in {:.2}s",
                        report.files_written,
                        out_display,
                        started.elapsed().as_secs_f64()
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    let code = fail(e);
                    eprintln!("build failed: {out_display} was left as it was");
                    code
                }
            }
        }
        Command::Check { site, strict } => match pocketguide::check_site(&site) {
            Ok(diags) => {
                diagnostic::report(&diags);
                let (errors, warnings) = diagnostic::count(&diags);
                if errors > 0 || (strict && warnings > 0) {
                    ExitCode::from(1)
                } else {
                    if diags.is_empty() {
                        println!("no problems found");
                    }
                    ExitCode::SUCCESS
                }
            }
            Err(e) => fail(e),
        },
        Command::Serve { site, port, open } => {
            match pocketguide::serve::serve(pocketguide::serve::ServeOptions { site, port, open }) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(e),
            }
        }
        Command::Translations {
            site,
            stamp: Some(file),
            ..
        } => match pocketguide::stamp(&site, &file) {
            Ok(hash) => {
                println!("stamped {} with source_hash {hash}", file.display());
                ExitCode::SUCCESS
            }
            Err(e) => fail(e),
        },
        Command::Translations { site, format, .. } => {
            match pocketguide::translation_status(&site) {
                Ok((site, rows)) => {
                    match format {
                        Format::Json => println!(
                            "{}",
                            serde_json::to_string_pretty(&rows).expect("rows serialise")
                        ),
                        Format::Table => {
                            print!("{}", pocketguide::translations::table(&site, &rows))
                        }
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
        Command::New {
            what: New::Corridor { name },
            site,
        } => match pocketguide::new_corridor(&site, &name) {
            Ok(files) => {
                println!("created:");
                for f in &files {
                    println!("  {}", diagnostic::display_path(f));
                }
                println!(
                    "next: translate the titles in content/{name}/corridor.yaml, write the chapters, \
                     add sourced contacts to content/{name}/contacts.yaml, then run `pocketguide check`"
                );
                ExitCode::SUCCESS
            }
            Err(e) => fail(e),
        },
    }
}

/// A progress bar on stderr: drawn only on a terminal, and only once a build
/// has taken more than a moment.
#[derive(Default)]
struct Bar {
    bar: std::sync::OnceLock<indicatif::ProgressBar>,
    started: std::sync::OnceLock<Instant>,
}

impl pocketguide::render::Progress for Bar {
    fn start(&self, total: usize) {
        let bar = indicatif::ProgressBar::with_draw_target(
            Some(total as u64),
            indicatif::ProgressDrawTarget::hidden(),
        );
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} files {elapsed}")
                .expect("valid template"),
        );
        let _ = self.bar.set(bar);
        let _ = self.started.set(Instant::now());
    }

    fn done_one(&self) {
        let Some(bar) = self.bar.get() else { return };
        bar.inc(1);
        let slow = self
            .started
            .get()
            .is_some_and(|t| t.elapsed().as_millis() > 500);
        if slow && bar.is_hidden() && std::io::IsTerminal::is_terminal(&std::io::stderr()) {
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
    }

    fn finish(&self) {
        if let Some(bar) = self.bar.get() {
            bar.finish_and_clear();
        }
    }
}

fn fail(e: Error) -> ExitCode {
    match e {
        Error::Usage(msg) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
        Error::Content(diags) => {
            diagnostic::report(&diags);
            ExitCode::from(1)
        }
        Error::Io(msg) => {
            diagnostic::report(&[Diagnostic::error(".", None, msg)]);
            ExitCode::from(1)
        }
    }
}
