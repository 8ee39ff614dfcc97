//! Photos and videos: the `Media` interface, `Photo` and `Video`.
//!
//! Captions and alt texts follow the reader's languages, then the article's original
//! language, as article texts do. A photo hosted under the site's own `/media/` path can be
//! asked for at other widths: its URL gains a `w` parameter that the site's image resizer
//! reads (`Photo.url(width:)`, `Photo.srcset`); a photo hosted elsewhere is served as stored.

use async_graphql::{Context, Enum, Interface, Object, ID};

use super::{
    context::{self, Preferences},
    error::bad_input,
    ids::{self, Kind},
    in_order::{InOrder, InTurn},
    scalars::{utc, DateTime},
};
use crate::domain::{
    locale::Locale,
    media::{self, Item},
};

/// Widths a hosted photo is offered at in `srcset`, up to its own.
const SRCSET_WIDTHS: [i32; 5] = [320, 640, 960, 1280, 1920];

/// The widest copy `Photo.url(width:)` may ask for.
const MAX_WIDTH: i32 = 4096;

/// Whether a photo is a still image or a video.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaKind {
    /// Photos.
    Photo,
    /// Videos.
    Video,
}

impl From<MediaKind> for entity::MediaKind {
    fn from(kind: MediaKind) -> Self {
        match kind {
            MediaKind::Photo => entity::MediaKind::Photo,
            MediaKind::Video => entity::MediaKind::Video,
        }
    }
}

/// Where a video is hosted.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum VideoProvider {
    /// YouTube (embedded from youtube-nocookie.com).
    Youtube,
    /// Vimeo.
    Vimeo,
}

impl From<VideoProvider> for entity::VideoProvider {
    fn from(provider: VideoProvider) -> Self {
        match provider {
            VideoProvider::Youtube => entity::VideoProvider::Youtube,
            VideoProvider::Vimeo => entity::VideoProvider::Vimeo,
        }
    }
}

impl From<entity::VideoProvider> for VideoProvider {
    fn from(provider: entity::VideoProvider) -> Self {
        match provider {
            entity::VideoProvider::Youtube => VideoProvider::Youtube,
            entity::VideoProvider::Vimeo => VideoProvider::Vimeo,
        }
    }
}

/// A photo or a video of an article.
// Three fields of the interface share a type; clippy reads the repeated `ty` as a repeated
// attribute.
#[allow(clippy::duplicated_attributes)]
#[derive(Interface)]
#[graphql(
    field(
        name = "id",
        ty = "ID",
        desc = "Opaque global id; `node(id:)` resolves it."
    ),
    field(
        name = "caption",
        ty = "Option<String>",
        desc = "What it shows, in the reader's language (same fallback as articles)."
    ),
    field(name = "credit", ty = "Option<String>", desc = "Who made it."),
    field(
        name = "licence",
        ty = "Option<String>",
        desc = "Under what terms it may be shown."
    ),
    field(
        name = "syndicatable",
        ty = "bool",
        desc = "Whether partners may carry it; partners never see an item they may not."
    ),
    field(
        name = "embargo_until",
        ty = "Option<DateTime>",
        desc = "Partners may not show it before this time (UTC)."
    ),
    field(
        name = "expires_at",
        ty = "Option<DateTime>",
        desc = "Partners may not show it from this time on (UTC)."
    )
)]
pub enum Media {
    /// A photo.
    Photo(Photo),
    /// A video.
    Video(Video),
}

/// What a media item is shown with: the reader's languages and the article's original one.
#[derive(Clone)]
pub struct Shown {
    /// The reader's language preferences.
    pub locales: Preferences,
    /// The article's original language.
    pub original: Locale,
}

impl Shown {
    fn text<'a>(&self, item: &'a Item) -> Option<&'a entity::media_text::Model> {
        media::localized(&item.texts, &self.locales, self.original)
    }
}

/// A still image.
#[derive(Clone)]
pub struct Photo {
    item: Item,
    shown: Shown,
}

impl Photo {
    /// The photo of `item`.
    pub fn new(item: Item, shown: Shown) -> Self {
        Photo { item, shown }
    }

    fn stored_url(&self) -> &str {
        self.item.row.url.as_deref().unwrap_or_default()
    }

    fn width_px(&self) -> i32 {
        self.item.row.width.unwrap_or_default()
    }

    /// The photo's URL at `width`, when the site hosts it; else its stored URL.
    fn sized(&self, ctx: &Context<'_>, width: i32) -> async_graphql::Result<String> {
        let url = self.stored_url();
        let site = context::config(ctx)?.site_url.trim_end_matches('/');
        let hosted = url
            .strip_prefix(site)
            .is_some_and(|path| path.starts_with("/media/"));
        if !hosted || width >= self.width_px() {
            return Ok(url.to_owned());
        }
        let join = if url.contains('?') { '&' } else { '?' };
        Ok(format!("{url}{join}w={width}"))
    }

    /// The alt text in the reader's language.
    pub fn alt_text(&self) -> Option<String> {
        self.shown.text(&self.item).and_then(|t| t.alt.clone())
    }

    /// The stored URL, width and height.
    pub fn dimensions(&self) -> (String, i32, i32) {
        (
            self.stored_url().to_owned(),
            self.width_px(),
            self.item.row.height.unwrap_or_default(),
        )
    }
}

/// A photo's fields read nothing more.
impl InTurn for Photo {
    const WAITING: &'static [&'static str] = &[];
}

/// A still image.
#[Object(cache_control(max_age = 60))]
impl Photo {
    /// Opaque global id; `node(id:)` resolves it.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Photo, self.item.row.id)
    }

    /// The image's URL. With `width`, a copy scaled to that width for a photo the site
    /// hosts (under its `/media/` path: the URL gains `w=<width>`, which the site's image
    /// resizer reads); a width at or above the photo's own, or a photo hosted elsewhere,
    /// gives the stored URL.
    async fn url(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Width wanted in pixels, 1 to 4096.")] width: Option<i32>,
    ) -> async_graphql::Result<String> {
        match width {
            None => Ok(self.stored_url().to_owned()),
            Some(w) if (1..=MAX_WIDTH).contains(&w) => self.sized(ctx, w),
            Some(w) => Err(bad_input(
                "width",
                format!("`width` must be between 1 and {MAX_WIDTH}, got {w}"),
            )),
        }
    }

    /// A `srcset` attribute value: the copies the site can serve (320 to 1920 pixels wide,
    /// up to the photo's own width) with their widths; the stored URL alone for a photo
    /// hosted elsewhere.
    async fn srcset(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        let own = self.width_px();
        let mut parts = Vec::new();
        for width in SRCSET_WIDTHS.into_iter().filter(|w| *w < own) {
            let url = self.sized(ctx, width)?;
            if url == self.stored_url() {
                break;
            }
            parts.push(format!("{url} {width}w"));
        }
        parts.push(format!("{} {own}w", self.stored_url()));
        Ok(parts.join(", "))
    }

    /// Width in pixels.
    async fn width(&self) -> i32 {
        self.width_px()
    }

    /// Height in pixels.
    async fn height(&self) -> i32 {
        self.item.row.height.unwrap_or_default()
    }

    /// What the photo shows, for readers who cannot see it, in the reader's language.
    async fn alt(&self) -> Option<String> {
        self.alt_text()
    }

    /// What the photo shows, in the reader's language (same fallback as articles).
    pub async fn caption(&self) -> Option<String> {
        self.shown.text(&self.item).and_then(|t| t.caption.clone())
    }

    /// Who made it.
    pub async fn credit(&self) -> Option<String> {
        self.item.row.credit.clone()
    }

    /// Under what terms it may be shown.
    pub async fn licence(&self) -> Option<String> {
        self.item.row.licence.clone()
    }

    /// Whether partners may carry it; partners never see an item they may not.
    pub async fn syndicatable(&self) -> bool {
        self.item.row.syndicatable
    }

    /// Partners may not show it before this time (UTC).
    pub async fn embargo_until(&self) -> Option<DateTime> {
        self.item.row.embargo_until.map(utc)
    }

    /// Partners may not show it from this time on (UTC).
    pub async fn expires_at(&self) -> Option<DateTime> {
        self.item.row.expires_at.map(utc)
    }
}

/// A video hosted by a provider, embedded in the article.
#[derive(Clone)]
pub struct Video {
    item: Item,
    thumbnail: Option<Item>,
    shown: Shown,
}

impl Video {
    /// The video of `item`, with its thumbnail photo if it has one.
    pub fn new(item: Item, thumbnail: Option<Item>, shown: Shown) -> Self {
        Video {
            item,
            thumbnail,
            shown,
        }
    }

    fn urls(&self) -> (String, String) {
        let provider = self
            .item
            .row
            .provider
            .unwrap_or(entity::VideoProvider::Youtube);
        media::video_urls(provider, self.item.row.external_id.as_deref().unwrap_or(""))
    }
}

/// A video's fields read nothing more.
impl InTurn for Video {
    const WAITING: &'static [&'static str] = &[];
}

/// A video hosted by a provider, embedded in the article.
#[Object(cache_control(max_age = 60))]
impl Video {
    /// Opaque global id; `node(id:)` resolves it.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Video, self.item.row.id)
    }

    /// Where the video is hosted.
    async fn provider(&self) -> VideoProvider {
        self.item
            .row
            .provider
            .unwrap_or(entity::VideoProvider::Youtube)
            .into()
    }

    /// The video's id at its provider.
    async fn external_id(&self) -> String {
        self.item.row.external_id.clone().unwrap_or_default()
    }

    /// The URL to put in an `<iframe>`.
    async fn embed_url(&self) -> String {
        self.urls().0
    }

    /// The URL of the video's own page at its provider.
    async fn watch_url(&self) -> String {
        self.urls().1
    }

    /// The still shown before the video plays.
    async fn thumbnail(&self) -> Option<InOrder<Photo>> {
        self.thumbnail
            .clone()
            .map(|item| InOrder(Photo::new(item, self.shown.clone())))
    }

    /// Length in seconds, when known.
    async fn duration_seconds(&self) -> Option<i32> {
        self.item.row.duration_seconds
    }

    /// What the video shows, in the reader's language (same fallback as articles).
    pub async fn caption(&self) -> Option<String> {
        self.shown.text(&self.item).and_then(|t| t.caption.clone())
    }

    /// Who made it.
    pub async fn credit(&self) -> Option<String> {
        self.item.row.credit.clone()
    }

    /// Under what terms it may be shown.
    pub async fn licence(&self) -> Option<String> {
        self.item.row.licence.clone()
    }

    /// Whether partners may carry it; partners never see an item they may not.
    pub async fn syndicatable(&self) -> bool {
        self.item.row.syndicatable
    }

    /// Partners may not show it before this time (UTC).
    pub async fn embargo_until(&self) -> Option<DateTime> {
        self.item.row.embargo_until.map(utc)
    }

    /// Partners may not show it from this time on (UTC).
    pub async fn expires_at(&self) -> Option<DateTime> {
        self.item.row.expires_at.map(utc)
    }
}

/// The GraphQL object of a list item of an article's media.
pub fn of_item(item: Item, all: &media::ArticleMedia, shown: Shown) -> Media {
    match item.row.kind {
        entity::MediaKind::Photo => Media::Photo(Photo::new(item, shown)),
        entity::MediaKind::Video => {
            let thumbnail = item
                .row
                .thumbnail_id
                .and_then(|id| all.thumbnails.get(&id).cloned());
            Media::Video(Video::new(item, thumbnail, shown))
        }
    }
}
