//! A page as the blocks a translator translates one by one: its title, its
//! summary, and each heading, paragraph, list item, table cell and quoted
//! paragraph of its body, in order, each with its Markdown and where it
//! stands in the file. Code blocks and raw HTML are not text to translate.

use crate::markdown;
use crate::source::split_front_matter;
use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Title,
    Summary,
    Heading,
    Paragraph,
    Item,
    Cell,
    Quote,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Title => "title",
            Kind::Summary => "summary",
            Kind::Heading => "heading",
            Kind::Paragraph => "paragraph",
            Kind::Item => "item",
            Kind::Cell => "cell",
            Kind::Quote => "quote",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub kind: Kind,
    /// The block's Markdown, continuation lines without their container's
    /// prefix (`> `, list indentation).
    pub text: String,
    /// Where the block's text stands in the file, for the body; title and
    /// summary live in the front matter.
    pub span: Option<Range<usize>>,
    /// What stands before the block's first line (`> `, `  - `), as white
    /// space and quote marks: the prefix a new continuation line needs.
    pub prefix: String,
    /// The 1-based line of the file the block starts on.
    pub line: usize,
}

/// A page's text in blocks; `None` when it has no front matter.
pub fn blocks(file_text: &str, title: &str, summary: Option<&str>) -> Option<Vec<Block>> {
    let (fm, body, body_line) = split_front_matter(file_text)?;
    let body_start = file_text.len() - body.len();
    let fm_line = |key: &str| {
        fm.lines()
            .position(|l| l.starts_with(&format!("{key}:")))
            .map_or(1, |i| i + 2)
    };
    let mut out = vec![Block {
        kind: Kind::Title,
        text: title.to_string(),
        span: None,
        prefix: String::new(),
        line: fm_line("title"),
    }];
    if let Some(s) = summary {
        out.push(Block {
            kind: Kind::Summary,
            text: s.to_string(),
            span: None,
            prefix: String::new(),
            line: fm_line("summary"),
        });
    }
    let line_of = |offset: usize| body_line + body[..offset].matches('\n').count();
    // Containers open around the current position, innermost last.
    let mut containers: Vec<Kind> = Vec::new();
    // The leaf being collected: its kind and the span of its inline content.
    let mut leaf: Option<(Kind, Option<Range<usize>>)> = None;
    let mut skip = 0usize;
    let finish = |leaf: &mut Option<(Kind, Option<Range<usize>>)>, out: &mut Vec<Block>| {
        if let Some((kind, Some(span))) = leaf.take() {
            let line_start = body[..span.start].rfind('\n').map_or(0, |i| i + 1);
            let prefix: String = body[line_start..span.start]
                .chars()
                .map(|c| {
                    if c == '>' || c.is_whitespace() {
                        c
                    } else {
                        ' '
                    }
                })
                .collect();
            let raw = &body[span.clone()];
            out.push(Block {
                kind,
                text: strip_continuations(raw),
                span: Some(body_start + span.start..body_start + span.end),
                prefix,
                line: line_of(span.start),
            });
        }
    };
    for (event, range) in Parser::new_ext(body, markdown::options()).into_offset_iter() {
        if skip > 0 {
            match event {
                Event::Start(_) => skip += 1,
                Event::End(_) => skip -= 1,
                _ => {}
            }
            continue;
        }
        match &event {
            Event::Start(Tag::CodeBlock(_) | Tag::HtmlBlock | Tag::MetadataBlock(_)) => {
                finish(&mut leaf, &mut out);
                skip = 1;
            }
            Event::Start(Tag::Paragraph) => {
                finish(&mut leaf, &mut out);
                let kind = match containers.last() {
                    Some(Kind::Item) => Kind::Item,
                    Some(Kind::Quote) => Kind::Quote,
                    _ => Kind::Paragraph,
                };
                leaf = Some((kind, None));
            }
            Event::Start(Tag::Heading { .. }) => {
                finish(&mut leaf, &mut out);
                leaf = Some((Kind::Heading, None));
            }
            Event::Start(Tag::TableCell) => {
                finish(&mut leaf, &mut out);
                leaf = Some((Kind::Cell, None));
            }
            Event::Start(Tag::Item) => {
                finish(&mut leaf, &mut out);
                containers.push(Kind::Item);
                // A tight item's text comes without a paragraph.
                leaf = Some((Kind::Item, None));
            }
            Event::Start(Tag::BlockQuote(_)) => {
                finish(&mut leaf, &mut out);
                containers.push(Kind::Quote);
            }
            Event::Start(Tag::List(_) | Tag::Table(_) | Tag::FootnoteDefinition(_)) => {
                finish(&mut leaf, &mut out);
            }
            Event::End(TagEnd::Item | TagEnd::BlockQuote(_)) => {
                finish(&mut leaf, &mut out);
                containers.pop();
            }
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::TableCell | TagEnd::List(_),
            ) => finish(&mut leaf, &mut out),
            _ => {
                // Inline content: the leaf's span grows to cover it.
                if let Some((_, span)) = leaf.as_mut() {
                    *span = Some(match span.take() {
                        Some(s) => s.start.min(range.start)..s.end.max(range.end),
                        None => range.clone(),
                    });
                }
            }
        }
    }
    finish(&mut leaf, &mut out);
    Some(out)
}

/// A block's lines with the container prefix taken off every line after
/// the first (`> `, indentation): the text a translator sees.
fn strip_continuations(raw: &str) -> String {
    let mut lines = raw.split('\n');
    let mut out = lines.next().unwrap_or("").to_string();
    for line in lines {
        out.push('\n');
        out.push_str(line.trim_start_matches(['>', ' ', '\t']));
    }
    out
}

/// `text` written where a block stood: continuation lines get the prefix
/// the block's container needs; a heading or table cell stays on one line.
pub fn placed(block: &Block, text: &str) -> String {
    let text = text.trim_end_matches('\n');
    match block.kind {
        Kind::Heading | Kind::Cell | Kind::Title | Kind::Summary => text.replace('\n', " "),
        _ => text.replace('\n', &format!("\n{}", block.prefix)),
    }
}

/// The kinds of a page's blocks in order: two pages have the same structure
/// when these are equal.
pub fn shape(blocks: &[Block]) -> Vec<Kind> {
    blocks.iter().map(|b| b.kind).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "---\ntitle: Rights\nsummary: What is yours\n---\n## Pay\n\nYou are paid **monthly**,\nto your bank.\n\n- a *first* item\n- second\n  - nested\n\n> quoted\n> on two lines\n\n| h1 | h2 |\n|---|---|\n| c1 | [c2](x.md) |\n\n```\ncode stays\n```\n\n<div>html stays</div>\n";

    #[test]
    fn a_page_in_blocks() {
        let b = blocks(PAGE, "Rights", Some("What is yours")).unwrap();
        let got: Vec<(&str, &str)> = b.iter().map(|b| (b.kind.name(), b.text.as_str())).collect();
        assert_eq!(
            got,
            [
                ("title", "Rights"),
                ("summary", "What is yours"),
                ("heading", "Pay"),
                ("paragraph", "You are paid **monthly**,\nto your bank."),
                ("item", "a *first* item"),
                ("item", "second"),
                ("item", "nested"),
                ("quote", "quoted\non two lines"),
                ("cell", "h1"),
                ("cell", "h2"),
                ("cell", "c1"),
                ("cell", "[c2](x.md)"),
            ]
        );
        for block in b.iter().filter(|b| b.span.is_some()) {
            let raw = &PAGE[block.span.clone().unwrap()];
            assert_eq!(strip_continuations(raw), block.text);
        }
        let quote = &b[7];
        assert_eq!(quote.prefix, "> ");
        assert_eq!(quote.line, 14);
        assert_eq!(placed(quote, "two\nlines"), "two\n> lines");
        assert_eq!(b[6].prefix, "    ");
    }
}
