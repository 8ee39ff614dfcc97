//! The `Locale` enum, `LocaleInfo`, and the `locales` root field.

use async_graphql::{Enum, Object, SimpleObject};

use crate::domain::locale::{self as domain, Locale as DomainLocale};

/// Languages the newsroom publishes in. BCP 47 codes in LocaleInfo.code.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locale {
    /// Korean (ko).
    Ko,
    /// Japanese (ja).
    Ja,
    /// English (en).
    En,
    /// Chinese in simplified characters (zh-Hans).
    ZhHans,
    /// Chinese in traditional characters (zh-Hant).
    ZhHant,
    /// Thai (th).
    Th,
    /// Indonesian (id).
    Id,
    /// Vietnamese (vi).
    Vi,
}

impl From<Locale> for DomainLocale {
    fn from(locale: Locale) -> Self {
        match locale {
            Locale::Ko => DomainLocale::Ko,
            Locale::Ja => DomainLocale::Ja,
            Locale::En => DomainLocale::En,
            Locale::ZhHans => DomainLocale::ZhHans,
            Locale::ZhHant => DomainLocale::ZhHant,
            Locale::Th => DomainLocale::Th,
            Locale::Id => DomainLocale::Id,
            Locale::Vi => DomainLocale::Vi,
        }
    }
}

impl From<DomainLocale> for Locale {
    fn from(locale: DomainLocale) -> Self {
        match locale {
            DomainLocale::Ko => Locale::Ko,
            DomainLocale::Ja => Locale::Ja,
            DomainLocale::En => Locale::En,
            DomainLocale::ZhHans => Locale::ZhHans,
            DomainLocale::ZhHant => Locale::ZhHant,
            DomainLocale::Th => Locale::Th,
            DomainLocale::Id => Locale::Id,
            DomainLocale::Vi => Locale::Vi,
        }
    }
}

/// A language the newsroom publishes in, with its code and names.
#[derive(SimpleObject, Debug, Clone)]
#[graphql(cache_control(max_age = 3600))]
pub struct LocaleInfo {
    /// The enum value to pass in `locales` arguments.
    pub locale: Locale,
    /// The BCP 47 code, such as `zh-Hant`.
    pub code: String,
    /// The language's name in itself, such as 日本語.
    pub native_name: String,
    /// The language's name in English.
    pub english_name: String,
}

/// Root fields about languages.
#[derive(Default)]
pub struct LocaleQuery;

#[Object]
impl LocaleQuery {
    /// Every language the newsroom publishes in, in the newsroom's order.
    async fn locales(&self) -> Vec<LocaleInfo> {
        DomainLocale::ALL
            .into_iter()
            .map(|l| {
                let (native, english) = domain::names(l);
                LocaleInfo {
                    locale: l.into(),
                    code: l.code().to_owned(),
                    native_name: native.to_owned(),
                    english_name: english.to_owned(),
                }
            })
            .collect()
    }
}
