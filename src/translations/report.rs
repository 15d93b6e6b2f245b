//! The translation status page: per corridor, chapter and language, the
//! status, and under each outdated translation what changed in its source
//! since. One self-contained HTML file (`translations --format html`), and
//! live in `serve` at `/__pocketguide/translations`.

use super::{diff, rows, source_changes, translation_of, Status};
use crate::model::Site;
use crate::theme::escape_html as esc;

const STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1rem;color:#1a1a1a}\
table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}\
.ok{background:#e6f4ea}.outdated{background:#fff4d6}.missing{background:#fde7e9}.source{color:#555}\
del{background:#fde7e9;text-decoration:line-through}ins{background:#e6f4ea;text-decoration:none}\
.diff{list-style:none;padding:0}.diff li{margin:.4rem 0;white-space:pre-wrap}code{font-size:.9em}";

pub fn page(site: &Site) -> String {
    page_until(site, &|| false)
}

/// [`page`], stopped before the next diff once `cancelled` says so.
pub fn page_until(site: &Site, cancelled: &dyn Fn() -> bool) -> String {
    let rows = rows(site);
    let status_of: std::collections::HashMap<(&str, &str, &str), Status> = rows
        .iter()
        .map(|r| {
            (
                (r.corridor.as_str(), r.page.as_str(), r.language.as_str()),
                r.status,
            )
        })
        .collect();
    let review = super::review_dates(&rows);
    let today = crate::today();
    let mut out = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>Translation status</title><style>{STYLE}</style></head><body><h1>Translation status</h1>"
    );
    for corridor in &site.corridors {
        let langs: Vec<&str> = corridor.languages.iter().map(String::as_str).collect();
        out.push_str(&format!(
            "<h2>{}</h2><table><thead><tr><th>chapter</th>",
            esc(&corridor.slug)
        ));
        for l in &langs {
            out.push_str(&format!("<th>{}</th>", esc(l)));
        }
        let reviewed = review.keys().any(|(c, _)| *c == corridor.slug);
        if reviewed {
            out.push_str("<th>review by</th>");
        }
        out.push_str("</tr></thead><tbody>");
        let mut outdated = Vec::new();
        for chapter in corridor
            .chapters
            .iter()
            .filter(|c| c.slug != crate::model::CONTACTS_CHAPTER)
        {
            out.push_str(&format!("<tr><th>{}</th>", esc(&chapter.slug)));
            for l in &langs {
                let status = status_of
                    .get(&(corridor.slug.as_str(), chapter.slug.as_str(), *l))
                    .copied();
                let cell = if status == Some(Status::Outdated) {
                    let anchor = format!("{}-{}-{l}", corridor.slug, chapter.slug);
                    outdated.push((chapter.slug.as_str(), *l, anchor.clone()));
                    format!("<a href=\"#{anchor}\">outdated</a>")
                } else {
                    status.map_or("", Status::as_str).to_string()
                };
                let class = status.map_or("", Status::as_str);
                out.push_str(&format!("<td class=\"{class}\">{cell}</td>"));
            }
            if reviewed {
                let date = review.get(&(corridor.slug.as_str(), chapter.slug.as_str()));
                let (class, cell) = match date {
                    Some(&d) if d < today => ("outdated", super::review_cell(d, today)),
                    Some(&d) => ("", super::review_cell(d, today)),
                    None => ("", String::new()),
                };
                out.push_str(&format!("<td class=\"{class}\">{cell}</td>"));
            }
            out.push_str("</tr>");
        }
        out.push_str("</tbody></table>");
        for (slug, lang, anchor) in outdated {
            if cancelled() {
                break;
            }
            let Some(page) = site.chapter_page(corridor, lang, slug) else {
                continue;
            };
            out.push_str(&format!(
                "<h3 id=\"{anchor}\">{slug} in {lang}: <code>{}</code></h3>",
                esc(&crate::diagnostic::display_path(&page.file))
            ));
            let explained = translation_of(site, &page.file)
                .map_err(|e| e.to_string())
                .and_then(|t| source_changes(site, &t).map_err(|e| e.to_string()));
            match explained {
                Ok(changes) => {
                    if let Some(v) = &changes.since {
                        out.push_str(&format!(
                            "<p>Changes in the source since the version it was translated from (commit {}, {}):</p>",
                            esc(&v.commit),
                            esc(&v.date)
                        ));
                    }
                    out.push_str(&diff::render_html(&changes.hunks));
                }
                Err(why) => out.push_str(&format!("<p>{}</p>", esc(&why))),
            }
        }
    }
    out.push_str("</body></html>\n");
    out
}
