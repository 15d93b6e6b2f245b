//! What changed in a source page since a translation was made from it: a
//! word-level diff of its title, summary and body, the body cut into hunks
//! with a few words of context, rendered with `[-old-]{+new+}` marks, in
//! colour, or as HTML.

use similar::{ChangeTag, TextDiff};

/// Words of unchanged text shown around a change.
const CONTEXT: usize = 6;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Same(String),
    Deleted(String),
    Inserted(String),
}

/// One place that changed: a field, or a stretch of the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hunk {
    /// `title`, `summary`, or `line N` of the current source file.
    pub place: String,
    pub pieces: Vec<Piece>,
}

/// A word diff costs up to the square of the words that changed, so past
/// this many words on the two sides together the change is diffed by lines
/// first, and a changed run of lines word by word only while it is this
/// small (beyond, it shows as deleted and inserted whole). Diffs stay
/// linear in the page, whatever a source page becomes.
pub const MAX_WORDS: usize = 20_000;

/// The word-level changes from `old` to `new`.
pub fn words(old: &str, new: &str) -> Vec<Piece> {
    let count = |s: &str| s.split_whitespace().count();
    if count(old) + count(new) <= MAX_WORDS {
        return word_diff(old, new);
    }
    let diff = TextDiff::configure()
        .algorithm(similar::Algorithm::Patience)
        .deadline(std::time::Instant::now() + std::time::Duration::from_secs(2))
        .diff_lines(old, new);
    let mut pieces = Vec::new();
    let (mut gone, mut came) = (String::new(), String::new());
    let flush = |gone: &mut String, came: &mut String, pieces: &mut Vec<Piece>| {
        if count(gone) + count(came) <= MAX_WORDS {
            pieces.extend(word_diff(gone, came));
        } else {
            pieces.push(Piece::Deleted(std::mem::take(gone)));
            pieces.push(Piece::Inserted(std::mem::take(came)));
        }
        gone.clear();
        came.clear();
    };
    for change in diff.iter_all_changes() {
        match change.tag() {
            ChangeTag::Equal => {
                if !(gone.is_empty() && came.is_empty()) {
                    flush(&mut gone, &mut came, &mut pieces);
                }
                pieces.push(Piece::Same(change.value().to_string()));
            }
            ChangeTag::Delete => gone.push_str(change.value()),
            ChangeTag::Insert => came.push_str(change.value()),
        }
    }
    if !(gone.is_empty() && came.is_empty()) {
        flush(&mut gone, &mut came, &mut pieces);
    }
    merge(pieces)
}

fn word_diff(old: &str, new: &str) -> Vec<Piece> {
    let diff = TextDiff::configure()
        .algorithm(similar::Algorithm::Patience)
        .deadline(std::time::Instant::now() + std::time::Duration::from_secs(2))
        .diff_words(old, new);
    merge(diff.iter_all_changes().map(|change| {
        let value = change.value().to_string();
        match change.tag() {
            ChangeTag::Equal => Piece::Same(value),
            ChangeTag::Delete => Piece::Deleted(value),
            ChangeTag::Insert => Piece::Inserted(value),
        }
    }))
}

/// Neighbouring pieces of one kind as one; empty ones dropped.
fn merge(pieces: impl IntoIterator<Item = Piece>) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    for piece in pieces {
        match (out.last_mut(), piece) {
            (_, Piece::Same(t) | Piece::Deleted(t) | Piece::Inserted(t)) if t.is_empty() => {}
            (Some(Piece::Same(a)), Piece::Same(b))
            | (Some(Piece::Deleted(a)), Piece::Deleted(b))
            | (Some(Piece::Inserted(a)), Piece::Inserted(b)) => a.push_str(&b),
            (_, p) => out.push(p),
        }
    }
    out
}

/// A whole field (the title, the summary) as one hunk, if it changed.
pub fn field(place: &str, old: &str, new: &str) -> Option<Hunk> {
    (old != new).then(|| Hunk {
        place: place.to_string(),
        pieces: words(old, new),
    })
}

/// The body's changes in hunks, each placed at its line of the current
/// file (the body starts on `first_line`). Context stays on the change's own
/// lines: at most a few words before and after, never across a line break.
pub fn body(old: &str, new: &str, first_line: usize) -> Vec<Hunk> {
    let pieces = words(old, new);
    let mut hunks: Vec<Hunk> = Vec::new();
    let mut current: Option<Hunk> = None;
    let mut line = first_line;
    for (i, piece) in pieces.iter().enumerate() {
        match piece {
            Piece::Same(text) => {
                if let Some(mut h) = current.take() {
                    let short = !text.contains('\n')
                        && text.split_whitespace().count() <= 2 * CONTEXT
                        && i + 1 < pieces.len();
                    if short {
                        h.pieces.push(piece.clone());
                        current = Some(h);
                    } else {
                        h.pieces.push(Piece::Same(leading(text)));
                        hunks.push(h);
                    }
                }
                line += text.matches('\n').count();
            }
            change => {
                let h = current.get_or_insert_with(|| {
                    // Text inserted after a line break (a new paragraph)
                    // starts on a later line than the words before it.
                    let breaks = match change {
                        Piece::Inserted(t) => t.len() - t.trim_start_matches('\n').len(),
                        _ => 0,
                    };
                    let mut h = Hunk {
                        place: format!("line {}", line + breaks),
                        pieces: Vec::new(),
                    };
                    if let (0, Some(Piece::Same(t))) =
                        (breaks, i.checked_sub(1).map(|j| &pieces[j]))
                    {
                        h.pieces.push(Piece::Same(trailing(t)));
                    }
                    h
                });
                h.pieces.push(change.clone());
                if let Piece::Inserted(t) = change {
                    line += t.matches('\n').count();
                }
            }
        }
    }
    hunks.extend(current);
    hunks
}

/// The end of `text` on its last line, at most [`CONTEXT`] words: what
/// stands before a change.
fn trailing(text: &str) -> String {
    let line = text.rsplit('\n').next().unwrap_or(text);
    let tokens: Vec<&str> = line.split_inclusive(char::is_whitespace).collect();
    let kept: String = tokens[tokens.len().saturating_sub(CONTEXT)..].concat();
    if tokens.len() > CONTEXT {
        format!("… {}", kept.trim_start())
    } else {
        kept
    }
}

/// The start of `text` on its first line, at most [`CONTEXT`] words: what
/// stands after a change.
fn leading(text: &str) -> String {
    let line = text.split('\n').next().unwrap_or(text);
    let tokens: Vec<&str> = line.split_inclusive(char::is_whitespace).collect();
    let kept: String = tokens.iter().take(CONTEXT).copied().collect();
    if tokens.len() > CONTEXT {
        format!("{} …", kept.trim_end())
    } else {
        kept
    }
}

/// How changes are marked for a reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `[-old-]{+new+}`, as `git diff --word-diff` writes when piped.
    Marks,
    /// Red struck-through and green underlined, on a terminal.
    Colour,
}

pub fn render(hunks: &[Hunk], style: Style) -> String {
    use anstyle::{AnsiColor, Effects, Style as Ansi};
    let deleted = AnsiColor::Red.on_default().effects(Effects::STRIKETHROUGH);
    let inserted = AnsiColor::Green.on_default().effects(Effects::UNDERLINE);
    let bold = Ansi::new().bold();
    let mut out = String::new();
    for h in hunks {
        match style {
            Style::Marks => out.push_str(&format!("{}: ", h.place)),
            Style::Colour => out.push_str(&format!("{bold}{}{bold:#}: ", h.place)),
        }
        for p in &h.pieces {
            let shown = |t: &str| crate::diagnostic::printable(t).into_owned();
            let p = &match p {
                Piece::Same(t) => Piece::Same(shown(t)),
                Piece::Deleted(t) => Piece::Deleted(shown(t)),
                Piece::Inserted(t) => Piece::Inserted(shown(t)),
            };
            match (p, style) {
                (Piece::Same(t), _) => out.push_str(t),
                (Piece::Deleted(t), Style::Marks) => out.push_str(&format!("[-{t}-]")),
                (Piece::Inserted(t), Style::Marks) => out.push_str(&format!("{{+{t}+}}")),
                (Piece::Deleted(t), Style::Colour) => {
                    out.push_str(&format!("{deleted}{t}{deleted:#}"))
                }
                (Piece::Inserted(t), Style::Colour) => {
                    out.push_str(&format!("{inserted}{t}{inserted:#}"))
                }
            }
        }
        out.push('\n');
    }
    out
}

/// Hunks as HTML, `<del>` and `<ins>` in a list.
pub fn render_html(hunks: &[Hunk]) -> String {
    let esc = crate::theme::escape_html;
    let mut out = String::from("<ul class=\"diff\">");
    for h in hunks {
        out.push_str(&format!("<li><b>{}</b>: ", esc(&h.place)));
        for p in &h.pieces {
            match p {
                Piece::Same(t) => out.push_str(&esc(t)),
                Piece::Deleted(t) => out.push_str(&format!("<del>{}</del>", esc(t))),
                Piece::Inserted(t) => out.push_str(&format!("<ins>{}</ins>", esc(t))),
            }
        }
        out.push_str("</li>");
    }
    out.push_str("</ul>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_exactly_the_changed_words() {
        let old = "Your employer must pay you every month.";
        let new = "Your employer must pay you at least once a month.";
        let h = field("body", old, new).unwrap();
        assert_eq!(
            render(&[h], Style::Marks),
            "body: Your employer must pay you [-every-]{+at least once a+} month.\n"
        );
        assert!(field("title", "Same", "Same").is_none());
    }

    #[test]
    fn an_inserted_paragraph_is_placed_at_its_own_line() {
        let old = "Para one.\n\nPara three.\n";
        let new = "Para one.\n\nPara two.\n\nPara three.\n";
        let hunks = body(old, new, 5);
        assert_eq!(hunks.len(), 1, "{hunks:?}");
        assert_eq!(hunks[0].place, "line 7", "{hunks:?}");
        let hunks = body("A b c.\n", "A b c.\n\nD e f.\n", 5);
        assert_eq!(hunks[0].place, "line 7", "{hunks:?}");
        let hunks = body(
            "# Title\n\nSome words here.\n",
            "# Title\n\nNew words first.\n\nSome words here.\n",
            5,
        );
        assert_eq!(hunks[0].place, "line 7", "{hunks:?}");
    }

    #[test]
    fn body_hunks_keep_a_little_context_and_their_line() {
        let old = "one two three four five six seven eight nine ten eleven twelve\nthirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty\nlast words here";
        let new = old.replace("eighteen", "EIGHTEEN");
        let hunks = body(old, &new, 5);
        assert_eq!(hunks.len(), 1);
        assert_eq!(hunks[0].place, "line 6");
        let text = render(&hunks, Style::Marks);
        assert_eq!(
            text,
            "line 6: thirteen fourteen fifteen sixteen seventeen [-eighteen-]{+EIGHTEEN+} nineteen twenty\n"
        );
    }

    #[test]
    fn changes_far_apart_are_separate_hunks() {
        let words_: Vec<String> = (0..60).map(|i| format!("w{i}")).collect();
        let old = words_.join(" ");
        let new = old.replace("w3 ", "X3 ").replace("w50", "X50");
        let hunks = body(&old, &new, 1);
        assert_eq!(hunks.len(), 2, "{hunks:?}");
        let html = render_html(&hunks);
        assert!(
            html.contains("<del>w3</del><ins>X3</ins>") || html.contains("<del>w3</del>"),
            "{html}"
        );
    }

    #[test]
    fn a_huge_change_stays_linear() {
        let old: String = (0..200_000).map(|i| format!("w{i} ")).collect();
        let new: String = (0..200_000).map(|i| format!("x{i}\n")).collect();
        let started = std::time::Instant::now();
        let pieces = words(&old, &new);
        assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
        let back: String = pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Same(t) | Piece::Inserted(t) => Some(t.as_str()),
                Piece::Deleted(_) => None,
            })
            .collect();
        assert_eq!(back, new);
    }

    #[test]
    fn terminal_escapes_in_the_source_are_shown_not_sent() {
        let h = field("title", "a", "b\u{1b}]52;c;ZXZpbA==\u{7}").unwrap();
        let text = render(&[h], Style::Colour);
        assert!(
            !text.contains("\u{1b}]52") && !text.contains('\u{7}'),
            "{text:?}"
        );
    }
}
