//! The command line: parse arguments, hand each command to its function in
//! `cmd/`, exit 0 (success), 1 (content errors) or 2 (wrong usage).

mod cmd;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    keep_freed_memory();
    let cli = cmd::Cli::parse();
    cmd::run(cli.command)
}

/// glibc hands blocks over 128 KiB to the kernel on every free and returns
/// the top of its heap as soon as 128 KiB are free there; a build that
/// makes an EPUB compressor (a few hundred KiB) for each of thousands of
/// files then spends a tenth of its time in page faults. Peak memory stays
/// the same: the blocks are reused rather than given back in between.
fn keep_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets allocator parameters; it is called before
    // any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 512 << 20);
    }
}
