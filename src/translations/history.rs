//! A source page's earlier versions, from the site's git history, through
//! the `git` program: the newest commit whose version of the page hashes to
//! the `source_hash` a translation recorded is the text it was made from.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};

/// An earlier version of a file.
#[derive(Debug, Clone)]
pub struct Version {
    /// Abbreviated commit id.
    pub commit: String,
    /// The commit's date, `YYYY-MM-DD`.
    pub date: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HistoryError {
    /// git is not installed, or the site is not in a git repository.
    NoRepository(String),
    /// No commit holds a version with that hash.
    NotFound,
}

impl std::fmt::Display for HistoryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HistoryError::NoRepository(why) => write!(
                f,
                "the site's history is not available ({why}): the earlier text comes from git, so commit the site to a git repository"
            ),
            HistoryError::NotFound => f.write_str(
                "no commit in the site's git history has the version of the source page this translation records (its source_hash): commit the source page each time you stamp a translation",
            ),
        }
    }
}

fn git(site: &Path, args: &[&str]) -> Result<String, HistoryError> {
    let out = Command::new("git")
        .arg("-C")
        .arg(site)
        .args(args)
        .stderr(Stdio::null())
        .output()
        .map_err(|e| HistoryError::NoRepository(format!("cannot run git: {e}")))?;
    if !out.status.success() {
        return Err(HistoryError::NoRepository(
            "not a git repository".to_string(),
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The newest committed version of `rel` (relative to the site) for which
/// `matches` holds.
pub fn find(
    site: &Path,
    rel: &Path,
    matches: impl Fn(&str) -> bool,
) -> Result<Version, HistoryError> {
    let prefix = git(site, &["rev-parse", "--show-prefix"])?;
    let in_repo = format!("{}{}", prefix.trim(), crate::diagnostic::display_path(rel));
    let log = git(
        site,
        &[
            "log",
            "--format=%H %cs",
            "--",
            &crate::diagnostic::display_path(rel),
        ],
    )?;
    let commits: Vec<(&str, &str)> = log.lines().filter_map(|l| l.split_once(' ')).collect();
    if commits.is_empty() {
        return Err(HistoryError::NotFound);
    }
    // One `git cat-file` reads every version, newest first.
    let mut child = Command::new("git")
        .arg("-C")
        .arg(site)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| HistoryError::NoRepository(format!("cannot run git: {e}")))?;
    let mut stdin = child.stdin.take().expect("piped");
    let mut stdout = BufReader::new(child.stdout.take().expect("piped"));
    let mut found = Err(HistoryError::NotFound);
    for (commit, date) in commits {
        if writeln!(stdin, "{commit}:{in_repo}")
            .and_then(|_| stdin.flush())
            .is_err()
        {
            break;
        }
        let mut header = String::new();
        if stdout.read_line(&mut header).unwrap_or(0) == 0 {
            break;
        }
        // `<object> blob <size>`, or `<name> missing` where the file was
        // deleted in that commit.
        let Some(size) = header
            .split_whitespace()
            .nth(2)
            .and_then(|s| s.parse::<usize>().ok())
        else {
            continue;
        };
        let mut blob = vec![0u8; size + 1];
        if stdout.read_exact(&mut blob).is_err() {
            break;
        }
        blob.pop();
        let text = String::from_utf8_lossy(&blob).into_owned();
        if matches(&text) {
            found = Ok(Version {
                commit: commit.chars().take(7).collect(),
                date: date.to_string(),
                text,
            });
            break;
        }
    }
    drop(stdin);
    let _ = child.wait();
    found
}
