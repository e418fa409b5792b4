//! A site's colours: the brand colour the merchant configures, and the text colour that reads
//! on it (WCAG relative luminance and contrast ratio), so a merchant's light brand colour
//! never yields white text nobody can read.

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Color(pub [u8; 3]);

impl Color {
    /// `#rrggbb`, case-insensitive.
    pub fn parse(text: &str) -> Option<Color> {
        let hex = text.strip_prefix('#').filter(|h| h.len() == 6)?;
        let channel = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
        Some(Color([channel(0)?, channel(2)?, channel(4)?]))
    }

    /// WCAG relative luminance, 0 (black) to 1 (white).
    pub fn luminance(self) -> f64 {
        let linear = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.03928 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        let [r, g, b] = self.0;
        0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
    }

    /// WCAG contrast ratio between two colours, 1 to 21.
    pub fn contrast(self, other: Color) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }
}

/// Black text: against white or black, every brand colour reaches 4.58:1 with one of them
/// (the near-black of the widget's body text left some mid reds at 4.48:1).
pub const DARK: &str = "#000000";
/// White text.
pub const LIGHT: &str = "#ffffff";

/// The text colour (dark or white) with the higher contrast on `brand`.
pub fn text_on(brand: Color) -> &'static str {
    let dark = Color::parse(DARK).expect("a valid colour");
    let light = Color::parse(LIGHT).expect("a valid colour");
    if brand.contrast(light) >= brand.contrast(dark) {
        LIGHT
    } else {
        DARK
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_parse_only_in_hex_form() {
        assert_eq!(Color::parse("#1D4ED8"), Some(Color([0x1d, 0x4e, 0xd8])));
        for bad in ["1d4ed8", "#1d4ed", "#1d4ed8ff", "#gg0000", "blue", ""] {
            assert_eq!(Color::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_text_colour_reads_on_the_brand_colour() {
        let black = Color([0, 0, 0]);
        let white = Color([255, 255, 255]);
        assert!((black.contrast(white) - 21.0).abs() < 1e-9);
        assert_eq!(
            text_on(Color::parse("#1d4ed8").unwrap()),
            LIGHT,
            "dark blue"
        );
        assert_eq!(
            text_on(Color::parse("#fde047").unwrap()),
            DARK,
            "light yellow"
        );
        assert_eq!(text_on(white), DARK);
        for brand in [
            "#1d4ed8", "#047857", "#b91c1c", "#fde047", "#e5e7eb", "#111827", "#d9534f", "#7b7b7b",
        ] {
            let brand = Color::parse(brand).unwrap();
            let text = Color::parse(text_on(brand)).unwrap();
            assert!(
                brand.contrast(text) >= 4.5,
                "{brand:?} gets contrast {}",
                brand.contrast(text)
            );
        }
    }
}
