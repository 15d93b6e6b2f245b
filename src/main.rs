//! The command line: parse arguments, hand each command to its function in
//! `cmd/`, exit 0 (success), 1 (content errors) or 2 (wrong usage).

mod cmd;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cmd::Cli::parse();
    cmd::run(cli.command)
}
