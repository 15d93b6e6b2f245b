//! Interface strings. The built-in `locales/*.ftl` are compiled in; a site's
//! `locales/<lang>.ftl` overrides them key by key (and may add a language).
//! A key missing in a language falls back to English.

use crate::diagnostic::{Diagnostic, Origin};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use include_dir::{include_dir, Dir};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

static BUILTIN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/locales");

/// Whether pocketguide carries interface strings for `code` itself.
pub fn is_builtin(code: &str) -> bool {
    BUILTIN.get_file(format!("{code}.ftl")).is_some()
}

/// The language whose strings every other falls back to.
pub const BASE: &str = "en";

type Bundle = FluentBundle<FluentResource>;

pub struct Locales {
    bundles: HashMap<String, Bundle>,
    /// Every message id the base language defines: the keys the theme uses.
    base_keys: BTreeSet<String>,
    /// Per language: the message ids it defines, built-in and site together.
    keys: HashMap<String, BTreeSet<String>>,
    /// Per language: the site's own .ftl file, if it has one.
    site_files: HashMap<String, PathBuf>,
    /// Per language and key: the file and line that defines the message
    /// (the site's file over the built-in one), so a problem in a string
    /// that reaches the printed guide is reported where it can be fixed.
    defined: HashMap<String, HashMap<String, (PathBuf, usize)>>,
}

impl Locales {
    /// Loads built-in and site strings for `languages` (plus the base).
    /// Syntax errors in the site's files come back as diagnostics.
    pub fn load(site_root: &Path, languages: &[String], diags: &mut Vec<Diagnostic>) -> Self {
        Locales::load_with(site_root, languages, &HashMap::new(), diags)
    }

    /// [`Locales::load`], where the languages in `transliterated` (code →
    /// the language it is made from, and how) that have no strings of their
    /// own get that language's, transliterated: `uz-Cyrl` from `uz`.
    pub fn load_with(
        site_root: &Path,
        languages: &[String],
        transliterated: &HashMap<String, (String, std::sync::Arc<crate::translit::Translit>)>,
        diags: &mut Vec<Diagnostic>,
    ) -> Self {
        let mut codes: Vec<String> = languages.to_vec();
        if !codes.iter().any(|c| c == BASE) {
            codes.push(BASE.to_string());
        }
        let mut locales = Locales {
            bundles: HashMap::new(),
            base_keys: BTreeSet::new(),
            keys: HashMap::new(),
            site_files: HashMap::new(),
            defined: HashMap::new(),
        };
        for code in codes {
            let langid = code
                .parse()
                .unwrap_or_else(|_| BASE.parse().expect("valid base language"));
            let mut bundle = FluentBundle::new_concurrent(vec![langid]);
            // Isolation marks (U+2068/9) show as boxes in some phone fonts.
            bundle.set_use_isolating(false);
            let mut keys = BTreeSet::new();
            let mut defined = HashMap::new();
            let name = format!("{code}.ftl");
            let made = transliterated.get(&code).and_then(|(from, t)| {
                let from_file = BUILTIN.get_file(format!("{from}.ftl"))?;
                let text = from_file
                    .contents_utf8()
                    .expect("built-in locales are UTF-8");
                Some(transliterate_ftl(text, t))
            });
            let builtin = BUILTIN
                .get_file(&name)
                .map(|f| {
                    f.contents_utf8()
                        .expect("built-in locales are UTF-8")
                        .to_string()
                })
                .or(made);
            if let Some(text) = builtin.as_deref() {
                let rel = PathBuf::from("locales").join(&name);
                if let Some(res) = parse(text, &rel, diags) {
                    let shown = PathBuf::from(format!("locales/{name} (built-in)"));
                    for id in message_ids(&res) {
                        defined.insert(id.clone(), (shown.clone(), line_of_message(text, &id)));
                        keys.insert(id);
                    }
                    bundle.add_resource_overriding(res);
                }
            }
            let rel = PathBuf::from("locales").join(&name);
            let path = site_root.join(&rel);
            // Anything there is read or reported (a link out of the site,
            // a folder): never skipped in silence.
            if std::fs::symlink_metadata(&path).is_ok() {
                match crate::source::read_text(site_root, &rel) {
                    Ok(text) => {
                        if let Some(res) = parse(&text, &rel, diags) {
                            for id in message_ids(&res) {
                                defined
                                    .insert(id.clone(), (rel.clone(), line_of_message(&text, &id)));
                                keys.insert(id);
                            }
                            bundle.add_resource_overriding(res);
                        }
                    }
                    Err(d) => diags.push(d),
                }
                locales.site_files.insert(code.clone(), rel);
            }
            if code == BASE {
                locales.base_keys = keys.clone();
            }
            locales.keys.insert(code.clone(), keys);
            locales.defined.insert(code.clone(), defined);
            locales.bundles.insert(code, bundle);
        }
        locales
    }

    /// Whether the language has its own strings at all (built-in or site).
    pub fn has_language(&self, lang: &str) -> bool {
        self.keys.get(lang).is_some_and(|k| !k.is_empty())
    }

    /// Keys the base language defines that `lang` lacks.
    pub fn missing_keys(&self, lang: &str) -> Vec<&str> {
        let Some(keys) = self.keys.get(lang) else {
            return self.base_keys.iter().map(String::as_str).collect();
        };
        self.base_keys
            .iter()
            .filter(|k| !keys.contains(*k))
            .map(String::as_str)
            .collect()
    }

    /// The file a missing key should be added to.
    pub fn file_for(&self, lang: &str) -> PathBuf {
        self.site_files
            .get(lang)
            .cloned()
            .unwrap_or_else(|| PathBuf::from("locales").join(format!("{lang}.ftl")))
    }

    pub fn base_keys(&self) -> impl Iterator<Item = &str> {
        self.base_keys.iter().map(String::as_str)
    }

    /// A formatted message in `lang`, else in English, else the key itself
    /// (so a missing string is visible, never an empty button).
    pub fn text(&self, lang: &str, key: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        let fargs = (!args.is_empty()).then(|| {
            let mut a = FluentArgs::new();
            for (k, v) in args {
                a.set(*k, v.clone());
            }
            a
        });
        for code in [lang, BASE] {
            let Some(bundle) = self.bundles.get(code) else {
                continue;
            };
            if let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) {
                let mut errors = Vec::new();
                return bundle
                    .format_pattern(pattern, fargs.as_ref(), &mut errors)
                    .into_owned();
            }
        }
        key.to_string()
    }

    /// The file and line of the message `text` shows for `key` in `lang`.
    pub fn origin(&self, lang: &str, key: &str) -> Origin<'_> {
        [lang, BASE]
            .iter()
            .find_map(|code| self.defined.get(*code)?.get(key))
            .map_or(Origin::new(Path::new("locales"), None), |(file, line)| {
                Origin::new(file, Some(*line))
            })
    }

    /// Every base key resolved in `lang` without arguments, with `-` turned
    /// into `_` so templates can write `t.emergency_title`.
    pub fn table(&self, lang: &str) -> HashMap<String, String> {
        self.base_keys
            .iter()
            .map(|k| (k.replace('-', "_"), self.text(lang, k, &[])))
            .collect()
    }
}

/// Fluent source in another script: each message's text, never its id,
/// its `{ $variables }` or the names of its variants (`[one]`).
pub fn transliterate_ftl(text: &str, t: &crate::translit::Translit) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with('#') || trimmed.trim().is_empty() {
            out.push_str(line);
            continue;
        }
        // `id = value` at the line's start; otherwise a continuation.
        let (head, value) = match (line.starts_with(char::is_alphabetic), line.find('=')) {
            (true, Some(eq)) => line.split_at(eq + 1),
            _ => {
                // A variant's name stays: `   *[other] text`.
                let indent = line.len() - trimmed.len();
                let variant = trimmed
                    .strip_prefix('*')
                    .unwrap_or(trimmed)
                    .starts_with('[')
                    .then(|| trimmed.find(']'))
                    .flatten();
                match variant {
                    Some(end) => line.split_at(indent + end + 1),
                    None => line.split_at(0),
                }
            }
        };
        out.push_str(head);
        // Placeables stay as they are.
        let mut rest = value;
        while let Some(open) = rest.find('{') {
            out.push_str(&t.apply(&rest[..open]));
            let close = rest[open..].find('}').map_or(rest.len(), |c| open + c + 1);
            out.push_str(&rest[open..close]);
            rest = &rest[close..];
        }
        out.push_str(&t.apply(rest));
    }
    out
}

fn parse(text: &str, rel: &Path, diags: &mut Vec<Diagnostic>) -> Option<FluentResource> {
    match FluentResource::try_new(text.to_string()) {
        Ok(res) => Some(res),
        Err((res, errors)) => {
            for e in errors {
                let line = text[..e.pos.start.min(text.len())].matches('\n').count() + 1;
                diags.push(Diagnostic::error(
                    rel,
                    Some(line),
                    format!("Fluent syntax error: {}", e.kind),
                ));
            }
            // The entries that did parse are still usable.
            Some(res)
        }
    }
}

/// The line a message `id = ...` starts on (messages start at column 0).
fn line_of_message(text: &str, id: &str) -> usize {
    text.lines()
        .position(|l| {
            l.strip_prefix(id)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map_or(1, |i| i + 1)
}

fn message_ids(res: &FluentResource) -> Vec<String> {
    use fluent_syntax::ast::Entry;
    res.entries()
        .filter_map(|e| match e {
            Entry::Message(m) => Some(m.id.name.to_string()),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_languages_are_complete() {
        let mut d = Vec::new();
        let langs: Vec<String> = ["uz", "ru", "et", "en"].map(String::from).to_vec();
        let l = Locales::load(Path::new("/nonexistent"), &langs, &mut d);
        assert!(d.is_empty(), "{d:?}");
        for lang in &langs {
            assert_eq!(l.missing_keys(lang), Vec::<&str>::new(), "{lang}");
        }
    }

    /// Every `t.some_key` a built-in template uses must exist in en.ftl, or
    /// readers would see the bare key.
    #[test]
    fn every_key_the_theme_uses_exists_in_english() {
        let mut d = Vec::new();
        let l = Locales::load(Path::new("/nonexistent"), &["en".to_string()], &mut d);
        let table = l.table("en");
        let templates = include_dir::include_dir!("$CARGO_MANIFEST_DIR/themes/default/templates");
        let mut used = 0;
        for file in templates.files() {
            let text = file.contents_utf8().unwrap();
            for (i, _) in text.match_indices("t.") {
                let before = text[..i].chars().last().unwrap_or(' ');
                if before.is_alphanumeric() || before == '_' {
                    continue;
                }
                let key: String = text[i + 2..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                assert!(
                    table.contains_key(&key),
                    "{}: t.{key} is not in en.ftl",
                    file.path().display()
                );
                used += 1;
            }
        }
        assert!(used > 20);
        // Keys the Rust side formats with arguments.
        for key in [
            "notice-fallback",
            "notice-outdated",
            "read-source",
            "contact-verified-call",
            "contact-verified-source",
            "chapters-untranslated",
            "contacts-title",
        ] {
            assert!(l.base_keys().any(|k| k == key), "{key}");
        }
    }

    #[test]
    fn russian_plural_forms() {
        let mut d = Vec::new();
        let l = Locales::load(Path::new("/nonexistent"), &["ru".to_string()], &mut d);
        let n = |n: i64| l.text("ru", "chapters-untranslated", &[("count", n.into())]);
        assert!(n(1).contains("глава"), "{}", n(1));
        assert!(n(3).contains("главы"), "{}", n(3));
        assert!(n(5).contains("глав "), "{}", n(5));
    }

    #[test]
    fn transliterated_strings_keep_ids_variables_and_variants() {
        let t = crate::translit::Translit::builtin("uz", "Latn", "Cyrl").unwrap();
        let ftl = "# izoh\nskip-to-content = Matnga oʻtish\nchapters-untranslated = { $count ->\n    [one] { $count } bob tarjima qilinmagan\n   *[other] { $count } ta bob\n}\n";
        let out = transliterate_ftl(ftl, &t);
        assert_eq!(
            out,
            "# izoh\nskip-to-content = Матнга ўтиш\nchapters-untranslated = { $count ->\n    [one] { $count } боб таржима қилинмаган\n   *[other] { $count } та боб\n}\n"
        );
        let mut d = Vec::new();
        let mut made = HashMap::new();
        made.insert("uz-Cyrl".to_string(), ("uz".to_string(), t));
        let l = Locales::load_with(
            Path::new("/nonexistent"),
            &["uz".into(), "uz-Cyrl".into()],
            &made,
            &mut d,
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(l.missing_keys("uz-Cyrl"), Vec::<&str>::new());
        assert!(
            l.text("uz-Cyrl", "contents", &[])
                .chars()
                .any(|c| ('а'..='я').contains(&c)),
            "{}",
            l.text("uz-Cyrl", "contents", &[])
        );
    }
}
