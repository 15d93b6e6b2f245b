//! Raw HTML in Markdown is not trusted: a corpus of XSS payloads must come
//! out harmless, and harmless inline HTML must stay.

use crate::support::*;

#[test]
fn xss_payloads_never_reach_the_output() {
    let site = fixture("xss");
    site.build().assert_code(0);
    for f in tree(&site.out()).iter().filter(|f| f.ends_with(".html")) {
        let html = site.read_out(f);
        // The theme's own search form, and the search page's own two
        // scripts, are fine; the payload's are not.
        let lower = html
            .to_lowercase()
            .replace("<form class=\"search\" role=\"search\"", "")
            .replace(
                "<script type=\"application/json\" id=\"search-config\">",
                "",
            )
            .replace(
                "<script>(function(){if(!/[?&]q=[^&]/.test(location.search))return;",
                "",
            );
        for bad in [
            "<script",
            "javascript:",
            "vbscript:",
            "data:text/html",
            "<iframe",
            "<object",
            "<embed",
            // The one-file guide's own stylesheet is fine; the payload's is not.
            "<style>body{background",
            "<form",
            // The pages' own SVG (a QR code, a folding diagram) is fine;
            // the payload's is not.
            "<svg onload",
            "alert('svg')",
            "<math",
            "http-equiv",
            "evil.example",
            "srcdoc",
            "style=",
        ] {
            assert!(!lower.contains(bad), "{f} contains {bad}");
        }
        // No event handler attribute survives in any tag (text is escaped,
        // so every `<` starts a real tag).
        for (i, _) in lower.match_indices('<') {
            let tag = &lower[i..i + lower[i..].find('>').unwrap_or(lower.len() - i)];
            for (j, _) in tag.match_indices(" on") {
                let rest = &tag[j + 3..];
                let name_len = rest.chars().take_while(|c| c.is_ascii_alphabetic()).count();
                assert!(
                    !rest[name_len..].starts_with('='),
                    "{f} keeps a handler: {tag}"
                );
            }
        }
    }
}

#[test]
fn harmless_inline_html_and_text_stay() {
    let site = fixture("xss");
    site.build().assert_code(0);
    let html = site.read_out("en/kg-fi/attacks/index.html");
    assert!(html.contains("<b>bold</b>"));
    assert!(html.contains("<em>emphasis</em>"));
    assert!(html.contains("line<br>break"));
    assert!(html.contains("href=\"https://example.org/ok\""));
    // Titles from YAML are text, escaped, not markup.
    assert!(html.contains("Attacks &lt;img src=x onerror=alert(1)&gt;"));
    assert!(html.contains("XSS &lt;script&gt;"));
}

#[test]
fn remote_images_are_reported_and_dropped() {
    let site = fixture("xss");
    let run = site.run(&["check"]);
    for at in [
        "attacks.md:11: warning: image 'https://evil.example/pixel.gif' in raw HTML is left out",
        "attacks.md:34: warning: image 'https://evil.example/track.png' is not a file of the site",
    ] {
        assert!(run.stderr.contains(at), "missing `{at}` in\n{}", run.stderr);
    }
}

/// A raw image whose address is dropped (another host, a file that is not
/// the site's) leaves its description: never an `<img>` without `src`,
/// which the Nu HTML Checker rejects, in the pages, print.html or the
/// one-file guide.
#[test]
fn raw_images_without_an_address_leave_their_description() {
    let site = fixture("xss");
    site.build().assert_code(0);
    let mut checked = 0;
    for f in tree(&site.out())
        .iter()
        .filter(|f| f.ends_with(".html") && f.contains("kg-fi/"))
    {
        let html = site.read_out(f);
        for (i, _) in html.match_indices("<img") {
            let tag = &html[i..i + html[i..].find('>').unwrap()];
            assert!(tag.contains(" src=\""), "{f}: {tag}");
        }
        if html.contains("Harmless") {
            assert!(html.contains("tracker"), "{f} lost the image's description");
            checked += 1;
        }
    }
    assert!(checked >= 3, "the page, print.html and the one-file guide");
}
