//! Generates a synthetic site of any size for benchmarks, in three layouts
//! with the same Markdown: pocketguide, Hugo and mdBook.
//!
//!   cargo run --release --example gen_site -- --corridors 50 --chapters 20 --out /tmp/bench
//!
//! writes /tmp/bench/{pocketguide,hugo,mdbook}. Every corridor is published in
//! uz, ru, et and en (source en); about 1 in 10 translations is missing (it
//! falls back) and 1 in 10 is outdated. Chapters carry headings, lists, a
//! table, links between chapters, and Cyrillic and Uzbek Latin text. All
//! organisations and numbers are invented (example.org, +44 20 7946 0xxx,
//! the UK's range for drama).

use pocketguide::translations::page_hash;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

const LANGS: [&str; 4] = ["uz", "ru", "et", "en"];
const ORIGINS: [&str; 10] = ["UZ", "KG", "TJ", "KZ", "TM", "AM", "GE", "AZ", "MD", "UA"];
const DESTINATIONS: [&str; 10] = ["EE", "LV", "LT", "FI", "PL", "DE", "CZ", "SK", "HU", "SE"];

fn text(lang: &str) -> [&'static str; 4] {
    match lang {
        "uz" => [
            "Ish beruvchingiz kim boʻlishini bilib oling va kompaniyani tekshiring.",
            "Mehnat shartnomasini joʻnab ketishdan oldin yozma shaklda oling.",
            "Oʻqiy olmaydigan shartnomani imzolamang; nusxasini saqlang.",
            "Favqulodda raqamlarni telefoningizga saqlang.",
        ],
        "ru" => [
            "Узнайте, кто будет вашим работодателем, и проверьте компанию.",
            "Получите трудовой договор в письменном виде до отъезда.",
            "Не подписывайте договор, который не можете прочитать; сохраните копию.",
            "Сохраните экстренные номера в телефоне.",
        ],
        "et" => [
            "Uuri välja, kes on sinu tööandja, ja kontrolli ettevõtet.",
            "Hangi kirjalik tööleping enne sõitu.",
            "Ära allkirjasta lepingut, mida sa lugeda ei oska; hoia koopiat.",
            "Salvesta hädaabinumbrid oma telefoni.",
        ],
        _ => [
            "Find out who your employer will be, and check the company.",
            "Get your employment contract in writing before you travel.",
            "Do not sign a contract you cannot read; keep a copy.",
            "Save the emergency numbers in your phone.",
        ],
    }
}

/// A deterministic pseudo-random sequence (no dependency, same site every run).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

fn body(lang: &str, corridor: usize, chapter: usize, chapters: usize, rng: &mut Lcg) -> String {
    let t = text(lang);
    let mut b = String::new();
    for section in 1..=3 {
        let _ = writeln!(b, "## {} {section}\n", t[section % 4].trim_end_matches('.'));
        for p in 0..3 {
            let n = (rng.next() % 4) as usize;
            let _ = writeln!(
                b,
                "{} {} {} {}\n",
                t[n],
                t[(n + 1) % 4],
                t[(n + p) % 4],
                t[(n + 2) % 4]
            );
        }
        for item in 0..4 {
            let _ = writeln!(b, "- **{}** {}", item + 1, t[(item + section) % 4]);
        }
        b.push('\n');
    }
    let next = chapter % chapters + 1;
    let _ = writeln!(
        b,
        "| # | {} |\n|---|---|",
        t[0].split(' ').next().unwrap_or("")
    );
    for row in 0..4 {
        let _ = writeln!(b, "| {} | {} |", row + 1, t[row % 4]);
    }
    let _ = writeln!(
        b,
        "\n[{}](chapter-{next}.md) · [{}](contacts.md) · corridor {corridor}",
        t[3], t[0]
    );
    b
}

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str, default: &str| -> String {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1).cloned())
            .unwrap_or_else(|| default.to_string())
    };
    let corridors: usize = arg("--corridors", "1").parse().expect("--corridors N");
    let chapters: usize = arg("--chapters", "20").parse().expect("--chapters M");
    let out = PathBuf::from(arg("--out", "target/bench-site"));
    assert!(
        corridors <= ORIGINS.len() * DESTINATIONS.len(),
        "at most 100 corridors"
    );
    let pg = out.join("pocketguide");
    let hugo = out.join("hugo");
    let mdbook = out.join("mdbook");
    for dir in [&pg, &hugo, &mdbook] {
        if dir.exists() {
            fs::remove_dir_all(dir).unwrap();
        }
    }
    write(
        &pg.join("site.yaml"),
        "title: { en: \"Benchmark guides\", ru: \"Тестовые памятки\", uz: \"Sinov qoʻllanmalari\", et: \"Testjuhendid\" }\n\
         base_url: \"https://example.org/bench/\"\ndefault_language: en\n\
         languages:\n  - { code: uz, name: \"Oʻzbekcha\", fallback: [ru] }\n  - { code: ru, name: \"Русский\" }\n  - { code: et, name: \"Eesti\" }\n  - { code: en, name: \"English\" }\n\
         stale_after_days: 36500\n",
    );
    let mut hugo_config = String::from(
        "baseURL = \"https://example.org/bench/\"\ndefaultContentLanguage = \"en\"\ndefaultContentLanguageInSubdir = true\n\
         disableKinds = [\"taxonomy\", \"term\", \"RSS\"]\n",
    );
    for (i, lang) in LANGS.iter().enumerate() {
        let _ = write!(
            hugo_config,
            "[languages.{lang}]\ncontentDir = \"content/{lang}\"\nweight = {}\n",
            i + 1
        );
    }
    write(&hugo.join("hugo.toml"), &hugo_config);
    write(
        &hugo.join("layouts/_default/baseof.html"),
        "<!doctype html><html lang=\"{{ .Site.Language.Lang }}\"><head><meta charset=\"utf-8\"><title>{{ .Title }}</title></head>\
         <body><nav>{{ range .Translations }}<a href=\"{{ .RelPermalink }}\">{{ .Language.Lang }}</a> {{ end }}</nav>\
         {{ block \"main\" . }}{{ end }}</body></html>\n",
    );
    write(
        &hugo.join("layouts/_default/single.html"),
        "{{ define \"main\" }}<h1>{{ .Title }}</h1>{{ .Content }}{{ end }}\n",
    );
    write(
        &hugo.join("layouts/_default/list.html"),
        "{{ define \"main\" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n",
    );
    let mut summaries: Vec<String> = LANGS
        .iter()
        .map(|_| String::from("# Summary\n\n"))
        .collect();

    let mut rng = Lcg(42);
    let mut pages = 0;
    for c in 0..corridors {
        let (o, d) = (
            ORIGINS[c / DESTINATIONS.len()],
            DESTINATIONS[c % DESTINATIONS.len()],
        );
        let slug = format!("{}-{}", o.to_lowercase(), d.to_lowercase());
        let cdir = pg.join("content").join(&slug);
        let mut yaml = format!(
            "origin: {o}\ndestination: {d}\nsource_language: en\nlanguages: [uz, ru, et, en]\n\
             title: {{ en: \"{o} → {d}\", ru: \"{o} → {d}\", uz: \"{o} → {d}\", et: \"{o} → {d}\" }}\nupdated: 2026-11-01\nchapters:\n"
        );
        for ch in 1..=chapters {
            let _ = writeln!(yaml, "  - chapter-{ch}");
        }
        yaml.push_str("  - contacts\n");
        write(&cdir.join("corridor.yaml"), &yaml);
        let mut contacts = String::new();
        for k in 0..6 {
            let _ = write!(
                contacts,
                "- id: line-{k}\n  name: {{ en: \"Example Line {k}\", ru: \"Пример линии {k}\", uz: \"Namuna liniya {k}\", et: \"Näidisliin {k}\" }}\n  \
                 country: {}\n  phone: \"+44 20 7946 0{:03}\"\n  email: \"line{k}@example.org\"\n  hours: \"24/7\"\n  emergency: {}\n  \
                 verified: 2026-11-01\n  source: \"https://example.org/contacts\"\n",
                if k % 2 == 0 { d } else { o },
                100 + c * 6 + k,
                k < 2
            );
        }
        write(&cdir.join("contacts.yaml"), &contacts);

        for summary in summaries.iter_mut() {
            let _ = writeln!(summary, "# {o} → {d}\n");
        }
        for ch in 1..=chapters {
            let en_title = format!("Chapter {ch}: {}", text("en")[ch % 4].trim_end_matches('.'));
            let en_body = body("en", c, ch, chapters, &mut rng);
            let source_hash = page_hash(&en_title, None, &en_body);
            for (li, lang) in LANGS.iter().enumerate() {
                let roll = rng.next() % 10;
                let title = format!("{ch}. {}", text(lang)[ch % 4].trim_end_matches('.'));
                let page_body = if *lang == "en" {
                    en_body.clone()
                } else {
                    body(lang, c, ch, chapters, &mut rng)
                };
                let (title, page_body) = if *lang == "en" {
                    (en_title.clone(), page_body)
                } else {
                    (title, page_body)
                };
                let missing = *lang != "en" && roll == 0;
                let stamp = match (*lang, roll) {
                    ("en", _) => String::new(),
                    (_, 1) => "source_hash: 0000000000000000\n".to_string(),
                    _ => format!("source_hash: {source_hash}\n"),
                };
                let md = format!("---\ntitle: \"{title}\"\n{stamp}---\n{page_body}");
                if !missing {
                    write(&cdir.join(lang).join(format!("chapter-{ch}.md")), &md);
                }
                // Hugo and mdBook have no fallback: they get the source text.
                let (t, b) = if missing {
                    (&en_title, &en_body)
                } else {
                    (&title, &page_body)
                };
                let plain = format!("---\ntitle: \"{t}\"\n---\n{b}");
                write(
                    &hugo
                        .join("content")
                        .join(lang)
                        .join(&slug)
                        .join(format!("chapter-{ch}.md")),
                    &plain,
                );
                write(
                    &mdbook
                        .join(lang)
                        .join("src")
                        .join(&slug)
                        .join(format!("chapter-{ch}.md")),
                    &format!("# {t}\n\n{b}"),
                );
                let _ = writeln!(summaries[li], "- [{t}]({slug}/chapter-{ch}.md)");
                pages += 1;
            }
        }
        for (li, lang) in LANGS.iter().enumerate() {
            summaries[li].push('\n');
            write(
                &hugo
                    .join("content")
                    .join(lang)
                    .join(&slug)
                    .join("_index.md"),
                &format!("---\ntitle: \"{o} → {d}\"\n---\n"),
            );
        }
    }
    for (li, lang) in LANGS.iter().enumerate() {
        write(&mdbook.join(lang).join("src/SUMMARY.md"), &summaries[li]);
        write(
            &mdbook.join(lang).join("book.toml"),
            &format!(
                "[book]\ntitle = \"Benchmark guides\"\nlanguage = \"{lang}\"\nsrc = \"src\"\n"
            ),
        );
    }
    println!(
        "{corridors} corridors x {} languages x {chapters} chapters = {pages} pages in {}",
        LANGS.len(),
        out.display()
    );
}
