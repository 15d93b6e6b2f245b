//! `<corridor>-<lang>.epub`: the guide as EPUB 3 for e-book readers. One
//! XHTML document per chapter (fallback chapters carry their own
//! `xml:lang`), a title page with the emergency numbers, a navigation
//! document, the accessibility metadata readers' tools look for, and the
//! same bytes for the same site (fixed order, fixed times, `dcterms:modified`
//! from the corridor's `updated`). The XHTML goes through the theme's
//! templates, like every page.

use super::html_doc::{Images, Mode};
use super::{Done, Output, Purpose, RenderContext, Scope, Target};
use crate::diagnostic::Diagnostic;
use crate::model::ImageSource;
use crate::paths;
use crate::view::{Body, GuideView};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::io::Write;

pub struct Epub;

impl Output for Epub {
    fn name(&self) -> &'static str {
        "EPUB"
    }

    fn scope(&self) -> Scope {
        Scope::Guide
    }

    fn offers(&self, _: &RenderContext, guide: &GuideView) -> Vec<(String, &'static str)> {
        vec![(
            paths::epub_file(guide.code(), &guide.corridor),
            "download-epub",
        )]
    }

    fn render(&self, cx: &RenderContext, target: Target) -> Result<Done, Diagnostic> {
        if cx.purpose == Purpose::Check && !cx.checks_templates() {
            return Ok(Done::default());
        }
        let Target::Guide(g) = target else {
            return Ok(Done::default());
        };
        let guide = &cx.site.guides[g];
        let path = guide.path(&paths::epub_file(guide.code(), &guide.corridor));
        Ok(Done::file(path.clone(), render(cx, g, &path)?))
    }
}

#[derive(Serialize)]
struct Doc {
    id: String,
    file: String,
    title: String,
    /// The language of the chapter's text when it is not the guide's.
    lang: Option<String>,
    dir: Option<&'static str>,
}

#[derive(Serialize)]
struct Item {
    id: String,
    file: String,
    kind: &'static str,
}

fn render(cx: &RenderContext, g: usize, path: &str) -> Result<Vec<u8>, Diagnostic> {
    let guide = &cx.site.guides[g];
    let base = || {
        let mut ctx = cx.base(guide.code(), "", path);
        ctx.insert("corridor_title", &guide.title.text);
        ctx
    };
    let template = |name: &str, ctx: &tera::Context| cx.render_template(name, path, ctx);

    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut docs: Vec<Doc> = Vec::new();
    let mut media: BTreeSet<String> = BTreeSet::new();

    let mut title = base();
    title.insert("emergency", cx.emergency_value(g));
    title.insert("url", &guide.url(&cx.site.base_url));
    files.push((
        "EPUB/title.xhtml".into(),
        template("epub/title.xhtml", &title)?,
    ));

    for ch in &guide.chapters {
        let file = format!("ch-{}.xhtml", ch.slug);
        // Links out of the file (to the current source chapter) are absolute.
        let mut view = cx.chapter_context(guide, ch, &cx.site.base_url, Mode::Epub, Images::Files);
        let mut ctx = base();
        match &ch.body {
            Body::Contacts => ctx.insert("contacts", cx.contacts_value(g)),
            Body::Text { doc, .. } => {
                view.html = super::xhtml::from_html(&view.html);
                collect_images(&doc.blocks, &mut media);
            }
        }
        docs.push(Doc {
            id: format!("ch-{}", ch.slug),
            file: file.clone(),
            title: view.title.clone(),
            lang: (view.lang != guide.code()).then(|| view.lang.clone()),
            dir: (view.lang != guide.code()).then_some(view.dir),
        });
        ctx.insert("chapter", &view);
        files.push((
            format!("EPUB/{file}"),
            template("epub/chapter.xhtml", &ctx)?,
        ));
    }

    let mut nav = base();
    nav.insert("docs", &docs);
    files.push(("EPUB/nav.xhtml".into(), template("epub/nav.xhtml", &nav)?));
    files.push((
        "EPUB/style.css".into(),
        template("epub/style.css", &base())?,
    ));
    let mut items: Vec<Item> = Vec::new();
    for p in &media {
        if let Some(bytes) = cx.site.media.get(p) {
            let file = paths::media(p);
            items.push(Item {
                id: format!("img-{}", items.len() + 1),
                file: file.clone(),
                kind: crate::markdown::image_mime(p),
            });
            files.push((format!("EPUB/{file}"), bytes.clone()));
        }
    }

    let mut opf = base();
    opf.insert("identifier", &identifier(guide, &cx.site.base_url));
    opf.insert("modified", &modified(guide));
    opf.insert("publisher", &guide.site_title.text);
    opf.insert("docs", &docs);
    opf.insert("images", &items);
    opf.insert("summary", &guide.t("epub-accessibility"));
    files.push((
        "EPUB/package.opf".into(),
        template("epub/package.opf", &opf)?,
    ));
    files.push((
        "META-INF/container.xml".into(),
        CONTAINER.as_bytes().to_vec(),
    ));
    zip(guide, &files).map_err(|e| {
        Diagnostic::error(
            &guide.file,
            None,
            format!(
                "cannot write the EPUB of {} in '{}': {e}",
                guide.corridor,
                guide.code()
            ),
        )
    })
}

/// The site images a chapter shows, wherever they stand.
fn collect_images(blocks: &[crate::doc::Block], out: &mut BTreeSet<String>) {
    use crate::doc::{Block, Inline};
    fn inlines(i: &[Inline], out: &mut BTreeSet<String>) {
        for i in i {
            match i {
                Inline::Image {
                    source, content, ..
                } => {
                    if let ImageSource::Media(p) = source {
                        out.insert(p.clone());
                    }
                    inlines(content, out);
                }
                Inline::Emph(c) | Inline::Strong(c) | Inline::Strike(c) => inlines(c, out),
                Inline::Link { content, .. } | Inline::Contact { content, .. } => {
                    inlines(content, out)
                }
                _ => {}
            }
        }
    }
    for b in blocks {
        match b {
            Block::Paragraph(i) | Block::Plain(i) | Block::Heading { content: i, .. } => {
                inlines(i, out)
            }
            Block::Quote(b) | Block::Footnote { blocks: b, .. } => collect_images(b, out),
            Block::List { items, .. } => items.iter().for_each(|i| collect_images(i, out)),
            Block::Table { head, rows, .. } => {
                for cell in std::iter::once(head).chain(rows).flatten() {
                    inlines(cell, out);
                }
            }
            _ => {}
        }
    }
}

const CONTAINER: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
<container version=\"1.0\" xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\">\n\
  <rootfiles>\n    <rootfile full-path=\"EPUB/package.opf\" media-type=\"application/oebps-package+xml\"/>\n  </rootfiles>\n\
</container>\n";

/// `mimetype` first and stored, as EPUB requires; the rest deflated, in a
/// fixed order with a fixed time, so the same guide gives the same bytes.
fn zip(guide: &GuideView, files: &[(String, Vec<u8>)]) -> zip::result::ZipResult<Vec<u8>> {
    use zip::write::SimpleFileOptions;
    use zip::CompressionMethod;
    let (y, m, d) = date(guide);
    let time = zip::DateTime::from_date_and_time(y.clamp(1980, 2107) as u16, m, d, 0, 0, 0)
        .unwrap_or_default();
    let options = SimpleFileOptions::default()
        .last_modified_time(time)
        .unix_permissions(0o644);
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    out.start_file(
        "mimetype",
        options.compression_method(CompressionMethod::Stored),
    )?;
    out.write_all(b"application/epub+zip")?;
    for (name, bytes) in files {
        out.start_file(
            name.as_str(),
            options.compression_method(CompressionMethod::Deflated),
        )?;
        out.write_all(bytes)?;
    }
    Ok(out.finish()?.into_inner())
}

/// The corridor's `updated`, or 2000-01-01 when it has none (check warns).
fn date(guide: &GuideView) -> (i32, u8, u8) {
    use chrono::Datelike;
    guide
        .updated
        .map_or((2000, 1, 1), |d| (d.year(), d.month() as u8, d.day() as u8))
}

fn modified(guide: &GuideView) -> String {
    let (y, m, d) = date(guide);
    format!("{y:04}-{m:02}-{d:02}T00:00:00Z")
}

/// A stable `urn:uuid:` for the guide: a name-based UUID of its address,
/// the same in every build.
fn identifier(guide: &GuideView, base_url: &str) -> String {
    let digest = Sha256::digest(guide.url(base_url).as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}
