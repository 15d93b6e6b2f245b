//! QR codes of a guide's web address, for the printed cover and the
//! one-file guide. `check` asks [`fits`] so that an address too long for a
//! code is reported before a build tries to print it.

use qrcode::{EcLevel, QrCode};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// Medium error correction: still readable from a creased, smudged paper.
const LEVEL: EcLevel = EcLevel::M;

fn code(url: &str) -> Result<QrCode, String> {
    QrCode::with_error_correction_level(url.as_bytes(), LEVEL)
        .map_err(|e| format!("the address {url} does not fit in a QR code ({e})"))
}

/// Whether `url` fits in one QR code: the encoding alone, without choosing
/// a mask (the costly part of making the code).
pub fn fits(url: &str) -> bool {
    qrcode::bits::encode_auto(url.as_bytes(), LEVEL).is_ok()
}

/// A QR code of `url` as an SVG image (vector: sharp on any printer).
/// Each address is encoded once per process: the cover, the one-file guide
/// and the glyph check all ask for it, and serve asks again on every save.
pub fn svg(url: &str) -> Result<Arc<str>, String> {
    static MADE: OnceLock<Mutex<HashMap<String, Arc<str>>>> = OnceLock::new();
    let made = MADE.get_or_init(Default::default);
    if let Some(svg) = made.lock().unwrap().get(url) {
        return Ok(Arc::clone(svg));
    }
    let svg: Arc<str> = code(url)?
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build()
        .into();
    made.lock()
        .unwrap()
        .insert(url.to_string(), Arc::clone(&svg));
    Ok(svg)
}

#[cfg(test)]
mod tests {
    #[test]
    fn long_addresses_do_not_fit() {
        assert!(super::fits("https://example.org/guides/uz/uz-ee/"));
        assert!(!super::fits(&format!(
            "https://example.org/{}/",
            "a".repeat(3000)
        )));
        let svg = super::svg("https://example.org/").unwrap();
        assert!(svg.starts_with("<?xml"));
        assert!(std::sync::Arc::ptr_eq(
            &svg,
            &super::svg("https://example.org/").unwrap()
        ));
        // The same verdict as making the code.
        for n in [1000, 2000, 2300, 2331, 2332, 2400] {
            let url = format!("https://example.org/{}/", "a".repeat(n));
            assert_eq!(super::fits(&url), super::code(&url).is_ok(), "{n}");
        }
    }
}
