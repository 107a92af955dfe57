//! Colours and spacing shared by the panels: calm, legible, in light and dark themes.

use egui::{Color32, Visuals};

use crate::core::Status;

/// Space left and right of the text column at minimum.
pub const TEXT_MARGIN: f32 = 24.0;
/// Outline of a search hit.
pub const SEARCH_HIT: Color32 = Color32::from_rgb(0xE0, 0x8A, 0x00);
/// Fill of the current search hit.
pub const SEARCH_CURRENT: Color32 = Color32::from_rgba_premultiplied(0x70, 0x45, 0x00, 0x70);

/// Article text: darker (light theme) or brighter (dark theme) than egui's default label text,
/// for long reading.
pub fn reading_text(v: &Visuals) -> Color32 {
    if v.dark_mode {
        Color32::from_gray(226)
    } else {
        Color32::from_gray(24)
    }
}

/// Background of the header card.
pub fn card_fill(v: &Visuals) -> Color32 {
    if v.dark_mode {
        Color32::from_gray(38)
    } else {
        Color32::from_gray(243)
    }
}

/// Highlight background for a tag colour. Light theme: a pale tint under dark text; dark
/// theme: a deep shade under light text — both keep text contrast above WCAG AA (4.5:1) for
/// the default scheme's colours.
pub fn highlight_fill(v: &Visuals, rgb: [u8; 3], status: Option<Status>) -> Color32 {
    let alpha = match status {
        Some(Status::Uncertain) => 0.6,
        _ => 1.0,
    };
    let [r, g, b] = rgb;
    let c = if v.dark_mode {
        // Mix 35% tag colour into the dark panel background.
        let bg = 27.0;
        let mix = |c: u8| (bg + (f32::from(c) - bg) * 0.35) as u8;
        Color32::from_rgb(mix(r), mix(g), mix(b))
    } else {
        // Mix 30% tag colour into white.
        let mix = |c: u8| (255.0 - (255.0 - f32::from(c)) * 0.30) as u8;
        Color32::from_rgb(mix(r), mix(g), mix(b))
    };
    c.gamma_multiply(alpha)
}

/// Underline and outline colour for a tag.
pub fn highlight_line(v: &Visuals, rgb: [u8; 3]) -> Color32 {
    let [r, g, b] = rgb;
    if v.dark_mode {
        Color32::from_rgb(r, g, b)
    } else {
        // Darken for contrast on white.
        let d = |c: u8| (f32::from(c) * 0.7) as u8;
        Color32::from_rgb(d(r), d(g), d(b))
    }
}

/// A swatch colour for a tag in lists and the palette.
pub fn swatch(rgb: [u8; 3]) -> Color32 {
    Color32::from_rgb(rgb[0], rgb[1], rgb[2])
}

/// WCAG relative luminance contrast ratio between two colours.
pub fn contrast_ratio(a: Color32, b: Color32) -> f32 {
    fn lum(c: Color32) -> f32 {
        let f = |u: u8| {
            let x = f32::from(u) / 255.0;
            if x <= 0.03928 {
                x / 12.92
            } else {
                ((x + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * f(c.r()) + 0.7152 * f(c.g()) + 0.0722 * f(c.b())
    }
    let (la, lb) = (lum(a), lum(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Scheme;

    #[test]
    fn default_tags_keep_text_readable_in_both_themes() {
        for v in [Visuals::light(), Visuals::dark()] {
            for t in Scheme::default_news().tags {
                let fill = highlight_fill(&v, t.rgb(), None);
                let ratio = contrast_ratio(reading_text(&v), fill);
                assert!(ratio >= 4.5, "{} in dark={}: {ratio}", t.id, v.dark_mode);
            }
        }
    }
}
