//! A photo or a video of an article: its cover, an item of its media list, or the thumbnail
//! of one of its videos. Captions and alt texts live in `media_text`.

use sea_orm::entity::prelude::*;

use crate::{MediaKind, MediaRole, VideoProvider};

/// A row of `media`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "media")]
pub struct Model {
    /// Primary key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The article the item belongs to.
    pub article_id: i64,
    /// Photo or video.
    pub kind: MediaKind,
    /// Cover, list item or video thumbnail.
    pub role: MediaRole,
    /// Place in the article's media list, ascending; 0 for covers and thumbnails.
    pub position: i32,
    /// A photo's image URL.
    pub url: Option<String>,
    /// A photo's width in pixels.
    pub width: Option<i32>,
    /// A photo's height in pixels.
    pub height: Option<i32>,
    /// A video's host.
    pub provider: Option<VideoProvider>,
    /// A video's id at its host.
    pub external_id: Option<String>,
    /// A video's length in seconds, when known.
    pub duration_seconds: Option<i32>,
    /// A video's thumbnail: a photo row of the same article with the thumbnail role.
    pub thumbnail_id: Option<i64>,
    /// Who made it.
    pub credit: Option<String>,
    /// Under what terms it may be shown.
    pub licence: Option<String>,
    /// Whether partners may carry it.
    pub syndicatable: bool,
    /// Partners may not show it before this time (UTC).
    pub embargo_until: Option<DateTimeUtc>,
    /// Partners may not show it from this time on (UTC).
    pub expires_at: Option<DateTimeUtc>,
    /// When the row was created (UTC).
    pub created_at: DateTimeUtc,
    /// When the item or one of its texts last changed (UTC).
    pub updated_at: DateTimeUtc,
}

/// Links of `media`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The article it belongs to.
    #[sea_orm(
        belongs_to = "super::article::Entity",
        from = "Column::ArticleId",
        to = "super::article::Column::Id",
        on_delete = "Cascade"
    )]
    Article,
    /// Its captions and alt texts per locale.
    #[sea_orm(has_many = "super::media_text::Entity")]
    Text,
}

impl Related<super::article::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Article.def()
    }
}

impl Related<super::media_text::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Text.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
