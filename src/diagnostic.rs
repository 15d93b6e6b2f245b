//! Diagnostics are data: every stage appends to a list instead of bailing out,
//! so one run reports every problem in the site. Printing happens in one place
//! ([`report`] and [`report_first`]), shared by `build`, `check` and `serve`.

use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Warning,
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// One problem, located by a path relative to the site folder and, where it
/// applies, a 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    pub severity: Severity,
    pub file: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

/// Where a piece of text comes from: a file relative to the site and, where
/// known, the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Origin<'a> {
    pub file: &'a Path,
    pub line: Option<usize>,
}

impl<'a> Origin<'a> {
    pub fn new(file: &'a Path, line: Option<usize>) -> Self {
        Origin { file, line }
    }
}

impl Diagnostic {
    pub fn error(
        file: impl Into<PathBuf>,
        line: Option<usize>,
        message: impl Into<String>,
    ) -> Self {
        Self::new(Severity::Error, file, line, message)
    }

    pub fn warning(
        file: impl Into<PathBuf>,
        line: Option<usize>,
        message: impl Into<String>,
    ) -> Self {
        Self::new(Severity::Warning, file, line, message)
    }

    fn new(
        severity: Severity,
        file: impl Into<PathBuf>,
        line: Option<usize>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity,
            file: file.into(),
            line,
            message: message.into(),
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `path:line` with forward slashes on every platform, so messages read
    /// the same in CI logs, editors and the serve error page.
    pub fn location(&self) -> String {
        let file = display_path(&self.file);
        match self.line {
            Some(line) => format!("{file}:{line}"),
            None => file,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}: {}",
            self.location(),
            self.severity,
            self.message
        )
    }
}

/// Text from a site as it may go to a terminal: control characters
/// (escape sequences could set the clipboard or the window title) shown
/// as `\u{1b}`, line breaks and tabs kept.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return text.into();
    }
    text.chars()
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect::<String>()
        .into()
}

pub fn display_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Sorts by file, line and severity so output is stable across parallel runs.
pub fn sort(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| {
        (&a.file, a.line, std::cmp::Reverse(a.severity), &a.message).cmp(&(
            &b.file,
            b.line,
            std::cmp::Reverse(b.severity),
            &b.message,
        ))
    });
    diagnostics.dedup();
}

pub fn count(diagnostics: &[Diagnostic]) -> (usize, usize) {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    (errors, diagnostics.len() - errors)
}

/// Writes diagnostics and a summary line. Colour is decided by the stream:
/// `anstream` strips it when piped or when `NO_COLOR` is set.
pub fn report(diagnostics: &[Diagnostic]) {
    print(diagnostics);
    let (errors, warnings) = count(diagnostics);
    if errors + warnings > 0 {
        use std::io::Write;
        let _ = writeln!(anstream::stderr(), "{}", summary(errors, warnings));
    }
}

fn print(diagnostics: &[Diagnostic]) {
    use anstyle::{AnsiColor, Style};
    use std::io::Write;
    let mut err = anstream::stderr();
    let bold = Style::new().bold();
    for d in diagnostics {
        let colour = match d.severity {
            Severity::Error => AnsiColor::Red.on_default().bold(),
            Severity::Warning => AnsiColor::Yellow.on_default().bold(),
        };
        let _ = writeln!(
            err,
            "{bold}{}{bold:#}: {colour}{}{colour:#}: {}",
            printable(&d.location()),
            d.severity,
            printable(&d.message)
        );
    }
}

/// Errors first, then warnings, at most `limit` of them, then how many more
/// there are: what a rebuild in `serve` prints, instead of thousands of
/// lines on a large site.
pub fn report_first(diagnostics: &[Diagnostic], limit: usize) {
    let mut first: Vec<Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.is_error())
        .chain(diagnostics.iter().filter(|d| !d.is_error()))
        .take(limit)
        .cloned()
        .collect();
    let hidden = diagnostics.len() - first.len();
    if hidden > 0 {
        first.push(Diagnostic::warning(
            ".",
            None,
            format!("… and {hidden} more: run `pocketguide check` to see them all"),
        ));
    }
    print(&first);
}

/// "2 errors, 1 warning" for a list.
pub fn summary_of(diagnostics: &[Diagnostic]) -> String {
    let (errors, warnings) = count(diagnostics);
    summary(errors, warnings)
}

pub fn summary(errors: usize, warnings: usize) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!(
        "{}, {}",
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_and_without_line() {
        let d = Diagnostic::error("content/uz-ee/ru/a.md", Some(3), "bad");
        assert_eq!(d.to_string(), "content/uz-ee/ru/a.md:3: error: bad");
        let w = Diagnostic::warning("site.yaml", None, "meh");
        assert_eq!(w.to_string(), "site.yaml: warning: meh");
    }

    #[test]
    fn sorting_is_stable_and_dedups() {
        let mut v = vec![
            Diagnostic::warning("b", Some(1), "x"),
            Diagnostic::error("a", Some(2), "y"),
            Diagnostic::error("a", Some(2), "y"),
        ];
        sort(&mut v);
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].file, PathBuf::from("a"));
    }
}
