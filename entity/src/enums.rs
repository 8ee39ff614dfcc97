//! Enums stored as short strings, so that rows stay readable in any SQL client.

use sea_orm::entity::prelude::*;

/// A language the newsroom publishes in, stored as its BCP 47 code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(8))")]
pub enum Locale {
    /// Korean.
    #[sea_orm(string_value = "ko")]
    Ko,
    /// Japanese.
    #[sea_orm(string_value = "ja")]
    Ja,
    /// English.
    #[sea_orm(string_value = "en")]
    En,
    /// Chinese in simplified characters.
    #[sea_orm(string_value = "zh-Hans")]
    ZhHans,
    /// Chinese in traditional characters.
    #[sea_orm(string_value = "zh-Hant")]
    ZhHant,
    /// Thai.
    #[sea_orm(string_value = "th")]
    Th,
    /// Indonesian.
    #[sea_orm(string_value = "id")]
    Id,
    /// Vietnamese.
    #[sea_orm(string_value = "vi")]
    Vi,
}

impl Locale {
    /// Every locale, in the newsroom's canonical order.
    pub const ALL: [Locale; 8] = [
        Locale::Ko,
        Locale::Ja,
        Locale::En,
        Locale::ZhHans,
        Locale::ZhHant,
        Locale::Th,
        Locale::Id,
        Locale::Vi,
    ];

    /// The BCP 47 code, as stored and as shown to clients.
    pub fn code(self) -> &'static str {
        match self {
            Locale::Ko => "ko",
            Locale::Ja => "ja",
            Locale::En => "en",
            Locale::ZhHans => "zh-Hans",
            Locale::ZhHant => "zh-Hant",
            Locale::Th => "th",
            Locale::Id => "id",
            Locale::Vi => "vi",
        }
    }

    /// The locale with this exact code, if it is one of the eight.
    pub fn from_code(code: &str) -> Option<Locale> {
        Locale::ALL.into_iter().find(|l| l.code() == code)
    }
}

/// Where an article stands in the editorial workflow.
///
/// A `Published` article whose publish time lies in the future is shown as scheduled;
/// readers see it from that moment on, without any job having to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ArticleStatus {
    /// Being written; never visible to readers.
    #[sea_orm(string_value = "draft")]
    Draft,
    /// Released at `published_at` (which may be in the future).
    #[sea_orm(string_value = "published")]
    Published,
    /// Withdrawn from the site but kept.
    #[sea_orm(string_value = "archived")]
    Archived,
}

/// What an API key may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ApiRole {
    /// Writes and publishes content; sees unpublished articles.
    #[sea_orm(string_value = "editor")]
    Editor,
    /// Everything an editor does, and manages API keys.
    #[sea_orm(string_value = "admin")]
    Admin,
    /// Reads published content for syndication.
    #[sea_orm(string_value = "partner")]
    Partner,
}

/// What a tag names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum TagKind {
    /// A person: a singer, an actor, a politician.
    #[sea_orm(string_value = "person")]
    Person,
    /// A band or group.
    #[sea_orm(string_value = "group")]
    Group,
    /// A subject that stories share.
    #[sea_orm(string_value = "topic")]
    Topic,
    /// Something that happens at a time: an award show, a tour, an election.
    #[sea_orm(string_value = "event")]
    Event,
    /// A company, agency, broadcaster or institution.
    #[sea_orm(string_value = "organization")]
    Organization,
    /// A city, a venue, a country.
    #[sea_orm(string_value = "place")]
    Place,
}

/// Whether a media item is a photo or a video.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(8))")]
pub enum MediaKind {
    /// A still image.
    #[sea_orm(string_value = "photo")]
    Photo,
    /// A video hosted by a provider.
    #[sea_orm(string_value = "video")]
    Video,
}

/// The part a media item plays in its article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(12))")]
pub enum MediaRole {
    /// The article's cover photo: at most one per article, not in its media list.
    #[sea_orm(string_value = "cover")]
    Cover,
    /// An item of the article's media list, in the editor's order.
    #[sea_orm(string_value = "body")]
    Body,
    /// The thumbnail photo of one of the article's videos.
    #[sea_orm(string_value = "thumbnail")]
    Thumbnail,
}

/// Where a video is hosted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum VideoProvider {
    /// YouTube; the external id is the 11-character video id.
    #[sea_orm(string_value = "youtube")]
    Youtube,
    /// Vimeo; the external id is the numeric video id.
    #[sea_orm(string_value = "vimeo")]
    Vimeo,
}
