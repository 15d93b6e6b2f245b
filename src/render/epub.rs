//! `<corridor>-<lang>.epub`: the guide as EPUB 3 for e-book readers. One
//! XHTML document per chapter (fallback chapters carry their own
//! `xml:lang`), a title page with the emergency numbers, a navigation
//! document, the accessibility metadata readers' tools look for, and the
//! same bytes for the same site (fixed order, fixed times, `dcterms:modified`
//! from the corridor's `updated`). The XHTML goes through the theme's
//! templates, like every page.

use super::html::Shared;
use super::Format;
use crate::diagnostic::Diagnostic;
use crate::guide::{Body, Guide};
use crate::markdown::Mode;
use crate::model::ImageSource;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::io::Write;

pub const FORMAT: Format = Format {
    name: |g| format!("{}-{}.epub", g.corridor.slug, g.lang),
    render,
    label: "download-epub",
};

#[derive(Serialize)]
struct Doc {
    id: String,
    file: String,
    title: String,
    /// The language of the chapter's text when it is not the guide's.
    lang: Option<String>,
}

#[derive(Serialize)]
struct Item {
    id: String,
    file: String,
    kind: &'static str,
}

fn render(shared: &Shared, gi: usize) -> Result<Vec<u8>, Diagnostic> {
    let guide = &shared.guides[gi];
    let name = (FORMAT.name)(guide);
    let path = format!("{}{name}", super::guide_dir(guide));
    let base = || {
        let mut ctx = shared.base(guide.lang, "", &path);
        ctx.insert("corridor_title", &guide.title.text);
        ctx
    };
    let template = |name: &str, ctx: &tera::Context| shared.render_template(name, &path, ctx);

    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut docs: Vec<Doc> = Vec::new();
    let mut media: BTreeSet<String> = BTreeSet::new();

    let mut title = base();
    title.insert("emergency", shared.emergency_value(gi));
    title.insert("url", &guide.url(&shared.opts.base_url));
    files.push((
        "EPUB/title.xhtml".into(),
        template("epub/title.xhtml", &title)?,
    ));

    for (ci, ch) in guide.chapters.iter().enumerate() {
        let file = format!("ch-{}.xhtml", ch.slug);
        // Links out of the file (to the current source chapter) are absolute.
        let mut view = shared.chapter_context(guide, ci, &shared.opts.base_url, Mode::Epub);
        let mut ctx = base();
        match &ch.body {
            Body::Contacts => ctx.insert("contacts", shared.contacts_value(gi)),
            Body::Page { page, .. } => {
                view.html = shared.epub_xhtml(page).to_string();
                for img in &page.images {
                    if let ImageSource::Media(p) = &img.source {
                        media.insert(p.clone());
                    }
                }
            }
        }
        docs.push(Doc {
            id: format!("ch-{}", ch.slug),
            file: file.clone(),
            title: view.title.clone(),
            lang: (view.lang != guide.lang).then(|| view.lang.clone()),
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
        if let Some(bytes) = shared.site.media.get(p) {
            let file = format!("media/{p}");
            items.push(Item {
                id: format!("img-{}", items.len() + 1),
                file: file.clone(),
                kind: crate::markdown::image_mime(p),
            });
            files.push((format!("EPUB/{file}"), bytes.clone()));
        }
    }

    let mut opf = base();
    opf.insert("identifier", &identifier(guide, &shared.opts.base_url));
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
            &guide.corridor.file,
            None,
            format!(
                "cannot write the EPUB of {} in '{}': {e}",
                guide.corridor.slug, guide.lang
            ),
        )
    })
}

const CONTAINER: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
<container version=\"1.0\" xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\">\n\
  <rootfiles>\n    <rootfile full-path=\"EPUB/package.opf\" media-type=\"application/oebps-package+xml\"/>\n  </rootfiles>\n\
</container>\n";

/// `mimetype` first and stored, as EPUB requires; the rest deflated, in a
/// fixed order with a fixed time, so the same guide gives the same bytes.
fn zip(guide: &Guide, files: &[(String, Vec<u8>)]) -> zip::result::ZipResult<Vec<u8>> {
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
fn date(guide: &Guide) -> (i32, u8, u8) {
    use chrono::Datelike;
    guide
        .corridor
        .updated
        .map_or((2000, 1, 1), |d| (d.year(), d.month() as u8, d.day() as u8))
}

fn modified(guide: &Guide) -> String {
    let (y, m, d) = date(guide);
    format!("{y:04}-{m:02}-{d:02}T00:00:00Z")
}

/// A stable `urn:uuid:` for the guide: a name-based UUID of its address,
/// the same in every build.
fn identifier(guide: &Guide, base_url: &str) -> String {
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
