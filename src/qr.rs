//! QR codes of a guide's web address, for the printed cover and the
//! one-file guide. `check` asks [`fits`] so that an address too long for a
//! code is reported before a build tries to print it.

use qrcode::{EcLevel, QrCode};

/// Medium error correction: still readable from a creased, smudged paper.
const LEVEL: EcLevel = EcLevel::M;

fn code(url: &str) -> Result<QrCode, String> {
    QrCode::with_error_correction_level(url.as_bytes(), LEVEL)
        .map_err(|e| format!("the address {url} does not fit in a QR code ({e})"))
}

/// Whether `url` fits in one QR code.
pub fn fits(url: &str) -> bool {
    code(url).is_ok()
}

/// A QR code of `url` as an SVG image (vector: sharp on any printer).
pub fn svg(url: &str) -> Result<String, String> {
    Ok(code(url)?
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build())
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
        assert!(super::svg("https://example.org/")
            .unwrap()
            .starts_with("<?xml"));
    }
}
