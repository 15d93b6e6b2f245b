//! `pocketguide build`

use super::{fail, say, tell};
use pocketguide::diagnostic;
use pocketguide::BuildOptions;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

#[derive(clap::Args)]
pub struct Args {
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
}

pub fn run(args: Args) -> ExitCode {
    let started = Instant::now();
    let out_display = args.out.display().to_string();
    let result = pocketguide::build(&BuildOptions {
        site: args.site,
        out: args.out,
        base_url: args.base_url,
        pdf: !args.no_pdf,
        progress: Some(Arc::new(Bar::default())),
    });
    match result {
        Ok(report) => {
            diagnostic::report(&report.diagnostics);
            say(format!(
                "built {} files into {} in {:.2}s",
                report.files_written,
                out_display,
                started.elapsed().as_secs_f64()
            ));
            ExitCode::SUCCESS
        }
        Err(e) => {
            let code = fail(e);
            tell(format!("build failed: {out_display} was left as it was"));
            code
        }
    }
}

/// A progress bar on stderr: drawn only on a terminal, and only once a build
/// has taken more than a moment.
#[derive(Default)]
struct Bar {
    bar: OnceLock<indicatif::ProgressBar>,
    started: OnceLock<Instant>,
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
