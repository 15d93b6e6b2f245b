//! A chapter's [`Doc`] as safe HTML, for the chapter pages, print.html, the
//! one-file guide and (through [`super::xhtml`]) the EPUB.
//!
//! The writer emits what a sanitiser would leave of the Markdown's HTML,
//! serialised the way html5ever serialises it (the sanitiser's own
//! output): text escapes `&`, `<`, `>` and no-break spaces, attributes
//! those and `"`; only the link schemes a reader may follow
//! keep their address. So a page without raw
//! HTML is written once and never parsed again; a page with raw HTML (the
//! only untrusted part) goes through the sanitiser whole, as before. A
//! property test holds both paths to the same bytes.

use crate::doc::{Block, ContactLink, Doc, Inline};
use crate::markdown::{chapter_link_target, is_site_media};
use crate::model::ImageSource;
use std::collections::HashMap;
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A chapter page at `<lang>/<corridor>/<slug>/index.html`.
    Chapter,
    /// One section of `print.html`, which is read on paper: links stay
    /// within the page, headings sit one level lower, ids carry the
    /// chapter's slug, and a contact's number is printed after its words.
    Print,
    /// One section of the one-file guide: as [`Mode::Print`], read on a
    /// screen.
    Single,
    /// One chapter file of the EPUB, `ch-<slug>.xhtml`, beside the others:
    /// raw HTML is its text alone, and links the e-book cannot follow
    /// leave their words.
    Epub,
}

impl Mode {
    /// From the page to the output root (for the EPUB: to its folder).
    pub fn root(self) -> &'static str {
        match self {
            Mode::Chapter => crate::paths::CHAPTER_ROOT,
            Mode::Print | Mode::Single => crate::paths::GUIDE_ROOT,
            Mode::Epub => "",
        }
    }
}

/// Where a site image's bytes come from in the output.
#[derive(Clone, Copy)]
pub enum Images<'a> {
    /// The published file, `<root>media/<path>`.
    Files,
    /// Inside the page as a `data:` URI (the one-file guide).
    Inline(&'a std::sync::Arc<std::collections::BTreeMap<String, Vec<u8>>>),
}

/// The chapter `slug`'s text as HTML in `mode`.
pub fn render(doc: &Doc, slug: &str, mode: Mode, images: Images<'_>) -> String {
    let sanitize = mode != Mode::Epub && doc_needs_sanitizer(doc);
    let mut w = Writer {
        out: String::with_capacity(4096),
        end_newline: true,
        mode,
        slug,
        images: if sanitize { Images::Files } else { images },
        numbers: HashMap::new(),
        raw: sanitize,
    };
    for b in &doc.blocks {
        w.block(b);
    }
    if !sanitize {
        return w.out;
    }
    let clean = match images {
        Images::Files => sanitizer().clean(&w.out).to_string(),
        Images::Inline(media) => {
            // Site images travel inside the file; the sanitiser has already
            // checked the address it rewrites.
            let root = mode.root();
            let media = std::sync::Arc::clone(media);
            let mut b = sanitizer_builder();
            b.attribute_filter(move |element, attribute, value| {
                if element == "img" && attribute == "src" {
                    let path = value.strip_prefix(root)?.strip_prefix("media/")?;
                    let bytes = media.get(path)?;
                    return is_site_media(value)
                        .then(|| super::single::data_uri(path, bytes).into());
                }
                Some(value.into())
            });
            b.clean(&w.out).to_string()
        }
    };
    images_with_sources(clean)
}

/// Raw HTML's images whose address the sanitiser dropped (another host, a
/// file that is not the site's) are left as their description: an `<img>`
/// without `src` is invalid HTML and shows nothing. The sanitiser's output
/// is regular (every `<` of text and attributes escaped), so each `<img`
/// here is a tag.
pub(crate) fn images_with_sources(html: String) -> String {
    if !html.contains("<img") {
        return html;
    }
    let mut out = String::with_capacity(html.len());
    let mut rest = html.as_str();
    while let Some(at) = rest.find("<img") {
        out.push_str(&rest[..at]);
        let end = rest[at..].find('>').map_or(rest.len(), |e| at + e + 1);
        let tag = &rest[at..end];
        if crate::markdown::attribute(tag, "src").is_some() {
            out.push_str(tag);
        } else if let Some(alt) = crate::markdown::attribute(tag, "alt") {
            // Escaped for an attribute, which is escaped enough for text.
            out.push_str(&alt);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Raw HTML, and a footnote inside a link (which would nest one link in
/// another), need a parser's judgement: such pages go through the
/// sanitiser.
fn doc_needs_sanitizer(doc: &Doc) -> bool {
    fn inlines(i: &[Inline], in_link: bool) -> bool {
        i.iter().any(|i| match i {
            Inline::Html(_) => true,
            Inline::FootnoteRef(_) => in_link,
            Inline::Emph(c) | Inline::Strong(c) | Inline::Strike(c) => inlines(c, in_link),
            Inline::Image { content, .. } => inlines(content, in_link),
            Inline::Link { content, .. } | Inline::Contact { content, .. } => {
                inlines(content, true)
            }
            _ => false,
        })
    }
    fn blocks(b: &[Block]) -> bool {
        b.iter().any(|b| match b {
            Block::Html(_) => true,
            Block::Paragraph(i) | Block::Plain(i) | Block::Heading { content: i, .. } => {
                inlines(i, false)
            }
            Block::Quote(b) | Block::Footnote { blocks: b, .. } => blocks(b),
            Block::List { items, .. } => items.iter().any(|i| blocks(i)),
            Block::Table { head, rows, .. } => std::iter::once(head)
                .chain(rows)
                .any(|r| r.iter().any(|c| inlines(c, false))),
            Block::Code { .. } | Block::Rule => false,
        })
    }
    doc.raw_html || blocks(&doc.blocks)
}

struct Writer<'a> {
    out: String,
    /// Whether the last thing written ended a line (the Markdown writer's
    /// rule for where block tags start).
    end_newline: bool,
    mode: Mode,
    slug: &'a str,
    images: Images<'a>,
    /// Footnote numbers, by label, in order of first mention.
    numbers: HashMap<String, usize>,
    /// Raw HTML is kept for the sanitiser (else it was never there).
    raw: bool,
}

impl Writer<'_> {
    fn write(&mut self, s: &str) {
        self.out.push_str(s);
        if !s.is_empty() {
            self.end_newline = s.ends_with('\n');
        }
    }

    /// A block tag's opening, on a line of its own.
    fn open_block(&mut self, tag: &str) {
        if !self.end_newline {
            self.out.push('\n');
        }
        self.write(tag);
    }

    /// Running text: a number in it is one left-to-right unit, so it
    /// reads the same in right-to-left text ([`crate::numbers`]).
    fn text(&mut self, s: &str) {
        for (piece, number) in crate::numbers::pieces(s) {
            if number {
                self.out.push_str("<bdi dir=\"ltr\">");
                escape_text(piece, &mut self.out);
                self.out.push_str("</bdi>");
            } else {
                escape_text(piece, &mut self.out);
            }
        }
        if !s.is_empty() {
            self.end_newline = s.ends_with('\n');
        }
    }

    /// Code, as written: a number in it is the code's own.
    fn code(&mut self, s: &str) {
        escape_text(s, &mut self.out);
        if !s.is_empty() {
            self.end_newline = s.ends_with('\n');
        }
    }

    fn footnote_number(&mut self, label: &str) -> usize {
        let next = self.numbers.len() + 1;
        *self.numbers.entry(label.to_string()).or_insert(next)
    }

    fn prefix(&self) -> String {
        match self.mode {
            Mode::Chapter => String::new(),
            // `.`: no slug has one, so `work` + `permit-rules` and
            // `work-permit` + `rules` stay apart (and XML ids allow it).
            Mode::Print | Mode::Single | Mode::Epub => format!("{}.", self.slug),
        }
    }

    fn level(&self, level: u8) -> u8 {
        match self.mode {
            Mode::Chapter => level,
            Mode::Print | Mode::Single | Mode::Epub => (level + 1).min(6),
        }
    }

    fn block(&mut self, b: &Block) {
        match b {
            Block::Paragraph(i) => {
                self.open_block("<p>");
                self.inlines(i);
                self.write("</p>\n");
            }
            Block::Plain(i) => self.inlines(i),
            Block::Heading { level, content, id } => {
                let level = self.level(*level);
                let mut anchor = String::new();
                escape_attribute(&format!("{}{id}", self.prefix()), &mut anchor);
                self.open_block(&format!("<h{level} id=\"{anchor}\">"));
                self.inlines(content);
                self.write(&format!("</h{level}>\n"));
            }
            Block::Quote(blocks) => {
                self.open_block("<blockquote>\n");
                blocks.iter().for_each(|b| self.block(b));
                self.write("</blockquote>\n");
            }
            Block::List { start, items } => {
                let (open, close) = match start {
                    None => ("<ul>\n".to_string(), "</ul>\n"),
                    Some(1) => ("<ol>\n".to_string(), "</ol>\n"),
                    Some(n) => (format!("<ol start=\"{n}\">\n"), "</ol>\n"),
                };
                self.open_block(&open);
                for item in items {
                    self.open_block("<li>");
                    item.iter().for_each(|b| self.block(b));
                    self.write("</li>\n");
                }
                self.write(close);
            }
            Block::Code { text, .. } => {
                if !self.end_newline {
                    self.write("\n");
                }
                self.write("<pre><code>");
                self.code(text);
                self.write("</code></pre>\n");
            }
            Block::Table { head, rows, .. } => {
                self.write("<table>");
                self.write("<thead><tr>");
                for cell in head {
                    self.write("<th>");
                    self.inlines(cell);
                    self.write("</th>");
                }
                self.write("</tr></thead><tbody>\n");
                for row in rows {
                    self.write("<tr>");
                    for cell in row {
                        self.write("<td>");
                        self.inlines(cell);
                        self.write("</td>");
                    }
                    self.write("</tr>\n");
                }
                self.write("</tbody></table>\n");
            }
            Block::Rule => self.open_block("<hr>\n"),
            Block::Html(h) => self.html(h),
            Block::Footnote { label, blocks } => {
                let n = self.footnote_number(label);
                let prefix = self.prefix();
                self.write(&format!(
                    "<div class=\"footnote\" id=\"{prefix}fn-{n}\"><sup>{n}</sup> "
                ));
                blocks.iter().for_each(|b| self.block(b));
                self.write("</div>\n");
            }
        }
    }

    /// Raw HTML: kept for the sanitiser, or in the EPUB its text alone.
    fn html(&mut self, h: &str) {
        if self.mode == Mode::Epub {
            let text = text_only().clean(h).to_string();
            self.write(&text);
        } else if self.raw {
            self.write(h);
        }
    }

    fn inlines(&mut self, inlines: &[Inline]) {
        for i in inlines {
            self.inline(i);
        }
    }

    fn inline(&mut self, i: &Inline) {
        match i {
            Inline::Text { text, .. } => self.text(text),
            Inline::Code { text, .. } => {
                self.write("<code>");
                self.code(text);
                self.write("</code>");
            }
            Inline::Html(h) => self.html(h),
            Inline::SoftBreak => self.write("\n"),
            Inline::HardBreak => self.write("<br>\n"),
            Inline::Emph(c) => self.wrapped("<em>", c, "</em>"),
            Inline::Strong(c) => self.wrapped("<strong>", c, "</strong>"),
            Inline::Strike(c) => self.wrapped("<del>", c, "</del>"),
            Inline::FootnoteRef(label) => {
                let n = self.footnote_number(label);
                let prefix = self.prefix();
                self.write(&format!(
                    "<sup class=\"fn\"><a href=\"#{prefix}fn-{n}\" id=\"{prefix}ref-{n}\">{n}</a></sup>"
                ));
            }
            Inline::Link {
                dest,
                title,
                email,
                content,
            } => {
                let target = match chapter_link_target(dest) {
                    Some(slug) => {
                        let fragment = dest.split_once('#').map(|(_, f)| f);
                        Some(link_target(self.mode, slug, fragment))
                    }
                    None if self.mode == Mode::Epub && (*email || !resolves_in_epub(dest)) => {
                        // The e-book would hold a broken link: the words stay.
                        None
                    }
                    None if *email => Some(format!("mailto:{dest}")),
                    None => Some(dest.clone()),
                };
                match target {
                    None => self.inlines(content),
                    Some(target) => {
                        self.write("<a");
                        if let Some(href) = href(&target) {
                            self.write(" href=\"");
                            self.write(&href);
                            self.write("\"");
                        }
                        self.title(title);
                        self.write(">");
                        self.inlines(content);
                        self.write("</a>");
                    }
                }
            }
            Inline::Contact {
                id, content, to, ..
            } => match to {
                Some(c) => self.contact(content, c),
                None if content.is_empty() => self.text(id),
                None => self.inlines(content),
            },
            Inline::Image {
                source,
                content,
                title,
                ..
            } => match source {
                ImageSource::Media(path) => {
                    let src = match self.images {
                        Images::Files => format!("{}media/{path}", self.mode.root()),
                        Images::Inline(media) => media
                            .get(path)
                            .map(|b| super::single::data_uri(path, b))
                            .unwrap_or_default(),
                    };
                    let mut alt = String::new();
                    self.alt_text(content, &mut alt);
                    self.write("<img src=\"");
                    let mut escaped = String::new();
                    escape_attribute(&escape_href(&src), &mut escaped);
                    self.write(&escaped);
                    self.write("\" alt=\"");
                    escaped.clear();
                    escape_attribute(&alt, &mut escaped);
                    self.write(&escaped);
                    self.write("\"");
                    self.title(title);
                    self.write(">");
                }
                // Left out: its description stays, as text.
                ImageSource::Foreign => self.inlines(content),
            },
        }
    }

    /// A contact link: the words, or the contact's name and number, as a
    /// link to call it; on paper, where nobody can tap, the number follows
    /// the words.
    fn contact(&mut self, content: &[Inline], c: &ContactLink) {
        let href = c.href.as_deref().and_then(href);
        if let Some(href) = &href {
            self.write("<a href=\"");
            self.write(href);
            self.write("\">");
        }
        let number = |w: &mut Self, n: &str| {
            w.write("<bdi dir=\"ltr\">");
            let mut escaped = String::new();
            escape_text(n, &mut escaped);
            w.write(&escaped);
            w.write("</bdi>");
        };
        if content.is_empty() {
            let mut name = String::new();
            escape_text(&c.name, &mut name);
            match &c.name_lang {
                Some((lang, dir)) => self.write(&format!(
                    "<span lang=\"{lang}\" dir=\"{}\">{name}</span>",
                    dir.as_str()
                )),
                None => self.write(&name),
            }
            if let Some(n) = &c.number {
                self.write(" ");
                number(self, n);
            }
        } else {
            self.inlines(content);
        }
        if href.is_some() {
            self.write("</a>");
        }
        if self.mode == Mode::Print && !content.is_empty() {
            if let Some(n) = &c.number {
                self.write(" (");
                number(self, n);
                self.write(")");
            }
        }
    }

    /// ` title="…"`, where there is one.
    fn title(&mut self, title: &str) {
        if !title.is_empty() {
            let mut escaped = String::new();
            escape_attribute(title, &mut escaped);
            self.write(" title=\"");
            self.write(&escaped);
            self.write("\"");
        }
    }

    fn wrapped(&mut self, open: &str, content: &[Inline], close: &str) {
        self.write(open);
        self.inlines(content);
        self.write(close);
    }

    /// An image's description as the Markdown writer puts it in `alt`:
    /// every piece of text inside, raw HTML as written (except in the
    /// EPUB, where raw HTML is gone), breaks as spaces.
    fn alt_text(&mut self, inlines: &[Inline], out: &mut String) {
        for i in inlines {
            match i {
                Inline::Text { text, .. } | Inline::Code { text, .. } => out.push_str(text),
                Inline::Html(h) if self.mode != Mode::Epub => out.push_str(h),
                Inline::Html(_) => {}
                Inline::SoftBreak | Inline::HardBreak => out.push(' '),
                Inline::FootnoteRef(label) => {
                    let n = self.footnote_number(label);
                    let prefix = self.prefix();
                    out.push_str(&format!(
                        "<sup class=\"fn\"><a href=\"#{prefix}fn-{n}\" id=\"{prefix}ref-{n}\">{n}</a></sup>"
                    ));
                }
                Inline::Emph(c) | Inline::Strong(c) | Inline::Strike(c) => self.alt_text(c, out),
                Inline::Link { content, .. } | Inline::Image { content, .. } => {
                    self.alt_text(content, out)
                }
                Inline::Contact { content, to, .. } => match to {
                    Some(c) if content.is_empty() => out.push_str(&c.name),
                    _ => self.alt_text(content, out),
                },
            }
        }
    }
}

/// Where a link to chapter `slug` points in `mode`.
pub fn link_target(mode: Mode, slug: &str, fragment: Option<&str>) -> String {
    match (mode, fragment) {
        (Mode::Chapter, None) => format!("../{slug}/index.html"),
        (Mode::Chapter, Some(f)) => format!("../{slug}/index.html#{f}"),
        (Mode::Print | Mode::Single, _) => format!("#ch-{slug}"),
        (Mode::Epub, _) => format!("ch-{slug}.xhtml"),
    }
}

/// Whether a link of a page leads somewhere inside an EPUB or is a web,
/// mail or phone address: a link to anything else (a fragment or file that
/// the e-book does not hold) would be broken there.
fn resolves_in_epub(dest: &str) -> bool {
    chapter_link_target(dest).is_some()
        || ["https://", "http://", "mailto:", "tel:"]
            .iter()
            .any(|p| dest.to_ascii_lowercase().starts_with(p))
}

/// A link's `href` as the sanitiser keeps it (escaped for the attribute),
/// or `None` where it drops the address: a scheme a reader must not follow
/// (`javascript:`, `data:`), or an address that does not parse.
fn href(target: &str) -> Option<String> {
    let encoded = escape_href(target);
    let ok = match url::Url::parse(&encoded) {
        Ok(u) => ["http", "https", "mailto", "tel"].contains(&u.scheme()),
        Err(url::ParseError::RelativeUrlWithoutBase) => true,
        Err(_) => false,
    };
    ok.then(|| {
        let mut out = String::with_capacity(encoded.len());
        escape_attribute(&encoded, &mut out);
        out
    })
}

/// A URL as the Markdown writer writes it into an attribute, decoded as a
/// parser reads it back: unsafe ASCII percent-encoded, the rest as is.
fn escape_href(url: &str) -> String {
    let mut encoded = String::with_capacity(url.len());
    pulldown_cmark_escape::escape_href(&mut encoded, url).expect("a String takes any text");
    if encoded.contains('&') {
        encoded = encoded.replace("&amp;", "&").replace("&#x27;", "'");
    }
    encoded
}

/// Text as html5ever serialises it: `&`, `<`, `>` and U+00A0 escaped;
/// line breaks as a parser reads them.
pub fn escape_text(s: &str, out: &mut String) {
    let mut copied = 0;
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let rep = match bytes[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => "",
            b'\r' => "\n",
            0xC2 if bytes.get(i + 1) == Some(&0xA0) => "&nbsp;",
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&s[copied..i]);
        out.push_str(rep);
        i += if rep == "&nbsp;" { 2 } else { 1 };
        copied = i;
    }
    out.push_str(&s[copied..]);
}

/// An attribute's value as html5ever serialises it: `&`, `"`, `<`, `>`
/// and U+00A0.
pub fn escape_attribute(s: &str, out: &mut String) {
    let mut copied = 0;
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let rep = match bytes[i] {
            b'&' => "&amp;",
            b'"' => "&quot;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => "",
            b'\r' => "\n",
            0xC2 if bytes.get(i + 1) == Some(&0xA0) => "&nbsp;",
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&s[copied..i]);
        out.push_str(rep);
        i += if rep == "&nbsp;" { 2 } else { 1 };
        copied = i;
    }
    out.push_str(&s[copied..]);
}

/// Raw HTML's words alone, as plain text (for search and messages).
pub fn text_of_html(html: &str) -> String {
    let escaped = text_only().clean(html).to_string();
    escaped
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", "\u{a0}")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

/// No element at all: raw HTML's text, escaped.
fn text_only() -> &'static ammonia::Builder<'static> {
    static BUILDER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(ammonia::Builder::empty)
}

/// The allow-list of what Markdown and harmless inline HTML may produce.
/// Everything else is dropped, including `style` (CSS can load remote
/// resources) and every image that is not one of the site's media files.
fn sanitizer_builder<'a>() -> ammonia::Builder<'a> {
    let mut b = ammonia::Builder::default();
    b.url_schemes(["http", "https", "mailto", "tel"].into())
        .link_rel(None)
        .add_generic_attributes(["id", "lang", "dir"])
        .add_allowed_classes("div", ["footnote"])
        .add_allowed_classes("sup", ["fn"])
        .rm_tag_attributes("img", ["srcset"]);
    b
}

/// [`sanitizer_builder`], built once, keeping only site images.
fn sanitizer() -> &'static ammonia::Builder<'static> {
    static BUILDER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut b = sanitizer_builder();
        b.attribute_filter(|element, attribute, value| {
            if element == "img" && attribute == "src" && !is_site_media(value) {
                None
            } else {
                Some(value.into())
            }
        });
        b
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filled(md: &str) -> Doc {
        let page = crate::markdown::test_page("content/x/en/p.md", "p", md);
        page.doc.with_contacts(&|id| {
            (id == "line").then(|| ContactLink {
                name: "Línea <1>".into(),
                name_lang: Some(("es".into(), crate::lang::Dir::Ltr)),
                number: Some("+44 20 7946 0018".into()),
                href: Some("tel:+442079460018".into()),
            })
        })
    }

    #[test]
    fn a_contact_is_a_link_on_screen_and_a_number_on_paper() {
        let d = filled("Call [](contact:line) or [us](contact:line).\n");
        let screen = render(&d, "p", Mode::Chapter, Images::Files);
        assert_eq!(
            screen,
            "<p>Call <a href=\"tel:+442079460018\"><span lang=\"es\" dir=\"ltr\">Línea &lt;1&gt;</span> <bdi dir=\"ltr\">+44 20 7946 0018</bdi></a> or <a href=\"tel:+442079460018\">us</a>.</p>\n"
        );
        for mode in [Mode::Single, Mode::Epub] {
            assert!(render(&d, "p", mode, Images::Files)
                .contains("<a href=\"tel:+442079460018\">us</a>.</p>"));
        }
        let paper = render(&d, "p", Mode::Print, Images::Files);
        assert!(
            paper.contains("<a href=\"tel:+442079460018\">us</a> (<bdi dir=\"ltr\">+44 20 7946 0018</bdi>).</p>"),
            "{paper}"
        );
        // An id nobody resolved (a check error) keeps its words.
        let unknown = filled("Call [them](contact:nobody).\n");
        assert_eq!(
            render(&unknown, "p", Mode::Chapter, Images::Files),
            "<p>Call them.</p>\n"
        );
    }

    #[test]
    fn a_contact_link_survives_the_sanitiser() {
        let d = filled("<b>Now</b>: [](contact:line)\n");
        let html = render(&d, "p", Mode::Chapter, Images::Files);
        assert!(
            html.contains("<a href=\"tel:+442079460018\"><span lang=\"es\" dir=\"ltr\">Línea &lt;1&gt;</span> <bdi dir=\"ltr\">+44 20 7946 0018</bdi></a>"),
            "{html}"
        );
    }
}
