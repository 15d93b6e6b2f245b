//! `<corridor>-<lang>.html`: the whole guide in one file that works saved to
//! a phone, sent in a messenger or opened from a USB stick: styles inline,
//! images as `data:` URIs, the QR code as inline SVG, chapters linked by `#`
//! anchors, no script and no request for any other file or host.

use super::html::{ChapterContext, Shared};
use super::Format;
use crate::diagnostic::Diagnostic;
use crate::guide::Body;
use crate::markdown::Mode;
use crate::model::ImageSource;
use base64::Engine as _;

pub const FORMAT: Format = Format {
    name: |g| format!("{}-{}.html", g.corridor.slug, g.lang),
    render,
    label: "download-single",
};

/// What the one-file guide adds to the site's stylesheet.
const EXTRA_CSS: &str = ".toc ol{padding-left:1.4rem}.toc a{display:inline-flex;align-items:center;min-height:44px}\
.chapter{border-top:1px solid var(--line);margin-top:2rem}.qr svg{width:12rem;max-width:100%;height:auto}\
.note{color:var(--muted)}.address a{display:inline-flex;align-items:center;min-height:44px;overflow-wrap:anywhere}";

fn render(shared: &Shared, gi: usize) -> Result<Vec<u8>, Diagnostic> {
    let guide = &shared.guides[gi];
    let site = shared.site;
    let name = (FORMAT.name)(guide);
    let path = format!("{}{name}", super::guide_dir(guide));
    let mut ctx = shared.base(guide.lang, "", &path);
    ctx.insert("corridor_title", &guide.title.text);
    ctx.insert("updated", &guide.corridor.updated.map(|d| d.to_string()));
    ctx.insert("emergency", shared.emergency_value(gi));
    ctx.insert("contacts", shared.contacts_value(gi));
    ctx.insert(
        "has_contacts_chapter",
        &guide.corridor.has_chapter(crate::model::CONTACTS_CHAPTER),
    );
    let mut chapters: Vec<ChapterContext> = (0..guide.chapters.len())
        .map(|ci| shared.chapter_context(guide, ci, &shared.opts.base_url, Mode::Print))
        .collect();
    // The site's images travel inside the file.
    for (ch, view) in guide.chapters.iter().zip(&mut chapters) {
        if let Body::Page { page, .. } = &ch.body {
            for img in &page.images {
                if let ImageSource::Media(p) = &img.source {
                    if let Some(bytes) = site.media.get(p) {
                        view.html = view.html.replace(
                            &format!("src=\"../../media/{p}\""),
                            &format!("src=\"{}\"", data_uri(p, bytes)),
                        );
                    }
                }
            }
        }
    }
    ctx.insert("chapters", &chapters);
    let url = guide.url(&shared.opts.base_url);
    let qr = crate::qr::svg(&url).map_err(|e| Diagnostic::error(&guide.corridor.file, None, e))?;
    let label = guide.t_args("qr-alt", &[("url", url.clone().into())]);
    ctx.insert("qr", &inline_svg(&qr, &label));
    ctx.insert("url", &url);
    let css = site
        .theme
        .static_files
        .get("style.css")
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_default();
    ctx.insert("css", &format!("{css}{EXTRA_CSS}"));
    shared.render_template("single.html", &path, &ctx)
}

/// The QR code's SVG as an element of the page, named for screen readers.
fn inline_svg(svg: &str, label: &str) -> String {
    let start = svg.find("<svg").unwrap_or(0);
    let mut escaped = String::new();
    crate::render::xhtml::escape(label, true, &mut escaped);
    svg[start..].replacen(
        "<svg ",
        &format!("<svg role=\"img\" aria-label=\"{escaped}\" "),
        1,
    )
}

pub fn data_uri(path: &str, bytes: &[u8]) -> String {
    let mime = crate::markdown::image_mime(path);
    format!(
        "data:{mime};base64,{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}
