//! Languages: which one a reader gets, from an explicit list, Accept-Language or the defaults.

pub use entity::Locale;

/// The name of a locale in its own language and in English.
pub fn names(locale: Locale) -> (&'static str, &'static str) {
    match locale {
        Locale::Ko => ("한국어", "Korean"),
        Locale::Ja => ("日本語", "Japanese"),
        Locale::En => ("English", "English"),
        Locale::ZhHans => ("简体中文", "Chinese (Simplified)"),
        Locale::ZhHant => ("繁體中文", "Chinese (Traditional)"),
        Locale::Th => ("ไทย", "Thai"),
        Locale::Id => ("Bahasa Indonesia", "Indonesian"),
        Locale::Vi => ("Tiếng Việt", "Vietnamese"),
    }
}

/// The Open Graph form of a locale (`og:locale`, language and territory): the edition's
/// main market.
pub fn open_graph(locale: Locale) -> &'static str {
    match locale {
        Locale::Ko => "ko_KR",
        Locale::Ja => "ja_JP",
        Locale::En => "en_US",
        Locale::ZhHans => "zh_CN",
        Locale::ZhHant => "zh_TW",
        Locale::Th => "th_TH",
        Locale::Id => "id_ID",
        Locale::Vi => "vi_VN",
    }
}

/// Maps one BCP 47 language tag from a browser to a newsroom locale, if it is one of ours.
///
/// Chinese is split by script: `zh-Hans`, `zh-CN`, `zh-SG` and bare `zh` are simplified,
/// `zh-Hant`, `zh-TW`, `zh-HK` and `zh-MO` traditional.
pub fn from_language_tag(tag: &str) -> Option<Locale> {
    let lower = tag.to_ascii_lowercase();
    let mut parts = lower.split(['-', '_']);
    let primary = parts.next()?;
    match primary {
        "ko" => Some(Locale::Ko),
        "ja" => Some(Locale::Ja),
        "en" => Some(Locale::En),
        "th" => Some(Locale::Th),
        "id" | "in" => Some(Locale::Id),
        "vi" => Some(Locale::Vi),
        "zh" => {
            let subtags: Vec<&str> = parts.collect();
            let traditional = subtags
                .iter()
                .any(|s| matches!(*s, "hant" | "tw" | "hk" | "mo"))
                && !subtags.contains(&"hans");
            Some(if traditional {
                Locale::ZhHant
            } else {
                Locale::ZhHans
            })
        }
        _ => None,
    }
}

/// The newsroom locales an `Accept-Language` header asks for, best first.
///
/// Quality values are honoured (`q=0` means "not this"), unknown tags are ignored and each
/// locale appears once, at its best position.
pub fn from_accept_language(header: &str) -> Vec<Locale> {
    let mut locales = Vec::new();
    for (tag, quality) in accept_language::parse_with_quality(header) {
        if quality <= 0.0 {
            continue;
        }
        if let Some(locale) = from_language_tag(&tag) {
            if !locales.contains(&locale) {
                locales.push(locale);
            }
        }
    }
    locales
}

/// The locale to serve: the first preferred one that is available, else `original`.
pub fn pick(preferred: &[Locale], available: impl Fn(Locale) -> bool, original: Locale) -> Locale {
    preferred
        .iter()
        .copied()
        .find(|l| available(*l))
        .unwrap_or(original)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_honours_quality_and_maps_chinese_regions() {
        assert_eq!(
            from_accept_language("fr;q=0.9, zh-TW;q=0.8, ja, en-US;q=0.5, zh-CN;q=0.7"),
            vec![Locale::Ja, Locale::ZhHant, Locale::ZhHans, Locale::En]
        );
    }

    #[test]
    fn accept_language_drops_zero_quality_and_duplicates() {
        assert_eq!(
            from_accept_language("en-GB, en-US;q=0.9, ko;q=0"),
            vec![Locale::En]
        );
        assert_eq!(
            from_accept_language("zh-Hant-HK, zh"),
            vec![Locale::ZhHant, Locale::ZhHans]
        );
        assert!(from_accept_language("*, de").is_empty());
    }

    #[test]
    fn pick_falls_back_to_the_original() {
        let have = [Locale::Ko, Locale::En];
        let available = |l| have.contains(&l);
        assert_eq!(
            pick(&[Locale::Ja, Locale::En], available, Locale::Ko),
            Locale::En
        );
        assert_eq!(pick(&[Locale::Th], available, Locale::Ko), Locale::Ko);
    }
}
