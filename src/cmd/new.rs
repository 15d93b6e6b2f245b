//! `pocketguide new site` and `pocketguide new corridor`

use super::{fail, say};
use pocketguide::diagnostic;
use pocketguide::scaffold::SiteOptions;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    what: What,
}

#[derive(clap::Subcommand)]
enum What {
    /// A new site folder that passes `check --strict` and builds (never overwrites)
    Site {
        /// The folder to create; it must not exist or be empty
        dir: PathBuf,
        /// The site's languages, in switcher order (built in: uz, ru, et, en)
        #[arg(long, value_delimiter = ',', default_value = "uz,ru,et,en")]
        languages: Vec<String>,
        /// The language translations are made from [default: en if listed, else the first]
        #[arg(long)]
        source: Option<String>,
        /// The first corridor, <origin>-<destination>
        #[arg(long, default_value = "uz-ee")]
        corridor: String,
        /// Also write .github/workflows/pages.yml, which publishes to GitHub Pages
        #[arg(long)]
        github_pages: bool,
    },
    /// A corridor skeleton, e.g. `pocketguide new corridor uz-ee` (never overwrites)
    Corridor {
        /// <origin>-<destination>, ISO 3166-1 alpha-2 codes in lower case
        name: String,
        /// The site folder
        #[arg(long, default_value = ".")]
        site: PathBuf,
    },
}

pub fn run(args: Args) -> ExitCode {
    match args.what {
        What::Site {
            dir,
            languages,
            source,
            corridor,
            github_pages,
        } => {
            let opts = SiteOptions {
                languages,
                source,
                corridor: corridor.clone(),
                github_pages,
                today: pocketguide::today(),
            };
            match pocketguide::new_site(&dir, &opts) {
                Ok(files) => {
                    created(&files);
                    let cd = shell_word(&dir);
                    say(format!(
                        "next: cd {cd} && pocketguide serve   (a live preview)\n\
                         then: set base_url in site.yaml, write the chapters in content/{corridor}/, \
                         add sourced contacts to content/{corridor}/contacts.yaml \
                         (mark a round-the-clock line to call in danger `emergency: true`)"
                    ));
                    if github_pages {
                        say("publish: push to GitHub and set Settings > Pages > Source to \"GitHub Actions\"");
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
        What::Corridor { name, site } => match pocketguide::new_corridor(&site, &name) {
            Ok(files) => {
                created(&files);
                say(format!(
                    "next: translate the titles in content/{name}/corridor.yaml, write the chapters, \
                     add sourced contacts to content/{name}/contacts.yaml (a round-the-clock line \
                     to call in danger with `emergency: true`), then run `pocketguide check`"
                ));
                ExitCode::SUCCESS
            }
            Err(e) => fail(e),
        },
    }
}

fn created(files: &[PathBuf]) {
    say("created:");
    for f in files {
        say(format!("  {}", diagnostic::display_path(f)));
    }
}

/// The folder as a user can paste it into a shell.
fn shell_word(dir: &Path) -> String {
    let s = dir.display().to_string();
    if s.chars().all(|c| c.is_alphanumeric() || "-_./".contains(c)) {
        s
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}
