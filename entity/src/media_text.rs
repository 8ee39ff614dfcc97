//! A media item's caption and alt text in one locale.

use sea_orm::entity::prelude::*;

use crate::Locale;

/// A row of `media_text`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "media_text")]
pub struct Model {
    /// The media item.
    #[sea_orm(primary_key, auto_increment = false)]
    pub media_id: i64,
    /// The language of the texts.
    #[sea_orm(primary_key, auto_increment = false)]
    pub locale: Locale,
    /// What the item shows, for readers.
    pub caption: Option<String>,
    /// What a photo shows, for readers who cannot see it.
    pub alt: Option<String>,
}

/// Links of `media_text`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The media item described.
    #[sea_orm(
        belongs_to = "super::media::Entity",
        from = "Column::MediaId",
        to = "super::media::Column::Id",
        on_delete = "Cascade"
    )]
    Media,
}

impl Related<super::media::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Media.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
