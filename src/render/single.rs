//! `<corridor>-<lang>.html`: the whole guide in one file that works saved to
//! a phone, sent in a messenger or opened from a USB stick: styles inline,
//! images as `data:` URIs, the QR code as inline SVG, chapters linked by `#`
//! anchors, no script and no request for any other file or host.

use super::html::ChapterContext;
use super::html_doc::{Images, Mode};
use super::{Done, Output, Purpose, RenderContext, Scope, Target};
use crate::diagnostic::Diagnostic;
use crate::paths;
use crate::view::GuideView;
use base64::Engine as _;

/// What the one-file guide adds to the site's stylesheet.
const EXTRA_CSS: &str = ".toc ol{padding-inline-start:1.4rem}.toc a{display:inline-flex;align-items:center;min-height:44px}\
.chapter{border-top:1px solid var(--line);margin-top:2rem}.qr svg{width:12rem;max-width:100%;height:auto}\
.note{color:var(--muted)}.address a{display:inline-flex;align-items:center;min-height:44px;overflow-wrap:anywhere}";

pub struct Single;

impl Output for Single {
    fn name(&self) -> &'static str {
        "one-file guide"
    }

    fn scope(&self) -> Scope {
        Scope::Guide
    }

    fn offers(&self, _: &RenderContext, guide: &GuideView) -> Vec<(String, &'static str)> {
        vec![(
            paths::single_file(guide.code(), &guide.corridor),
            "download-single",
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
        let path = guide.path(&paths::single_file(guide.code(), &guide.corridor));
        let mut ctx = cx.base(guide.code(), "", &path);
        ctx.insert("corridor_title", &guide.title.text);
        ctx.insert("updated", &guide.updated.map(|d| d.to_string()));
        ctx.insert("emergency", cx.emergency_value(g));
        ctx.insert("contacts", cx.contacts_value(g));
        ctx.insert("has_contacts_chapter", &guide.has_contacts_chapter);
        // The site's images travel inside the file.
        let chapters: Vec<ChapterContext> = guide
            .chapters
            .iter()
            .map(|ch| {
                cx.chapter_context(
                    guide,
                    ch,
                    &cx.site.base_url,
                    Mode::Single,
                    Images::Inline(&cx.site.media),
                )
            })
            .collect();
        ctx.insert("chapters", &chapters);
        let url = guide.url(&cx.site.base_url);
        let qr = crate::qr::svg(&url).map_err(|e| Diagnostic::error(&guide.file, None, e))?;
        let label = guide.t_args("qr-alt", &[("url", url.clone().into())]);
        ctx.insert("qr", &inline_svg(&qr, &label));
        ctx.insert("url", &url);
        let css = cx
            .site
            .theme
            .static_files
            .get("style.css")
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default();
        ctx.insert("css", &format!("{css}{EXTRA_CSS}"));
        Ok(Done::file(
            path.clone(),
            cx.render_template("single.html", &path, &ctx)?,
        ))
    }
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
