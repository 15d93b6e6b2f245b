//! One module per command, as mdBook's `cmd/` has it: each parses nothing
//! (clap did), calls the library, and prints through the helpers here, so
//! errors are reported in exactly one way.

mod build;
mod check;
mod new;
mod serve;
mod translations;

use clap::{Parser, Subcommand};
use pocketguide::diagnostic::{self, Diagnostic};
use pocketguide::Error;
use std::fmt::Display;
use std::io::Write;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "pocketguide",
    version,
    about = "Build safe labour-migration pocket guides: a website and printable PDFs"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Build the whole site into the output folder
    Build(build::Args),
    /// Report every problem in the site without writing anything
    Check(check::Args),
    /// Preview the site on 127.0.0.1, rebuilding and reloading on every save
    Serve(serve::Args),
    /// Show which translations are ok, missing or outdated
    Translations(translations::Args),
    /// Create something new: a site, or a corridor in a site
    New(new::Args),
}

pub fn run(command: Command) -> ExitCode {
    match command {
        Command::Build(args) => build::run(args),
        Command::Check(args) => check::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Translations(args) => translations::run(args),
        Command::New(args) => new::run(args),
    }
}

/// A line on standard output. When the reader has gone (`| head`), the
/// program ends quietly, as a filter should.
pub fn say(text: impl Display) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = writeln!(out, "{text}").and_then(|()| out.flush()) {
        quit_if_gone(&e);
    }
}

/// Text on standard output as it is (a table, JSON).
pub fn print(text: impl Display) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = write!(out, "{text}").and_then(|()| out.flush()) {
        quit_if_gone(&e);
    }
}

/// A line on standard error; a closed stderr is no reason to panic.
pub fn tell(text: impl Display) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

fn quit_if_gone(e: &std::io::Error) {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
}

/// Reports an error in the one way every command shares, with its status.
pub fn fail(e: Error) -> ExitCode {
    match e {
        Error::Usage(msg) => {
            tell(format!("error: {msg}"));
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
