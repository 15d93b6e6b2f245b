//! `pocketguide serve`

use super::fail;
use pocketguide::serve::{serve, ServeOptions};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// The site folder
    #[arg(long, default_value = ".")]
    site: PathBuf,
    /// Port to listen on (0: any free port)
    #[arg(long, default_value_t = 1111)]
    port: u16,
    /// Open the preview in the default browser
    #[arg(long)]
    open: bool,
}

pub fn run(args: Args) -> ExitCode {
    match serve(ServeOptions {
        site: args.site,
        port: args.port,
        open: args.open,
    }) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(e),
    }
}
