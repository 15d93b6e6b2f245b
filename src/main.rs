//! The command line: parse arguments, hand each command to its function in
//! `cmd/`, exit 0 (success), 1 (content errors) or 2 (wrong usage).

mod cmd;

use clap::Parser;
use std::process::ExitCode;

/// A build allocates and frees many short strings on every core; mimalloc's
/// per-thread heaps make that markedly cheaper than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cmd::Cli::parse();
    cmd::run(cli.command)
}
