//! Reading photos and videos: an article's cover, its media list and its videos' thumbnails.

use std::{collections::HashMap, sync::Arc};

use chrono::{DateTime, Utc};
use entity::{article, media, media_text, MediaKind, MediaRole};
use sea_orm::{
    sea_query::{Expr, ExprTrait, JoinType, Order, Query, SelectStatement},
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
};

use super::{access::Audience, articles, columns::Columns, locale, locale::Locale, DomainResult};
use crate::db::reads::ReadAll;

/// A photo or video with its captions and alt texts.
#[derive(Debug, Clone)]
pub struct Item {
    /// The row.
    pub row: Arc<media::Model>,
    /// Its texts, one per locale.
    pub texts: Arc<[media_text::Model]>,
}

/// Everything visual an article has.
#[derive(Debug, Clone, Default)]
pub struct ArticleMedia {
    /// Its cover photo.
    pub cover: Option<Item>,
    /// Its media list, in the editor's order.
    pub list: Vec<Item>,
    /// Its videos' thumbnails, by the id of the thumbnail photo.
    pub thumbnails: HashMap<i64, Item>,
}

/// The `media` columns the statement of [`of_articles`] reads, in the order it decodes them.
const MEDIA_COLUMNS: [media::Column; 19] = [
    media::Column::Id,
    media::Column::ArticleId,
    media::Column::Kind,
    media::Column::Role,
    media::Column::Position,
    media::Column::Url,
    media::Column::Width,
    media::Column::Height,
    media::Column::Provider,
    media::Column::ExternalId,
    media::Column::DurationSeconds,
    media::Column::ThumbnailId,
    media::Column::Credit,
    media::Column::Licence,
    media::Column::Syndicatable,
    media::Column::EmbargoUntil,
    media::Column::ExpiresAt,
    media::Column::CreatedAt,
    media::Column::UpdatedAt,
];

/// The `media_text` columns read after them.
const TEXT_COLUMNS: [media_text::Column; 3] = [
    media_text::Column::Locale,
    media_text::Column::Caption,
    media_text::Column::Alt,
];

/// The media of each of these articles that `audience` may see at `now`, with their texts, by
/// article id: one statement, whatever the number, read by position (a page's worth of rows,
/// one per text). A partner sees only the items whose rights let partners carry them, with
/// their texts in its licensed languages.
pub async fn of_articles(
    db: &impl ReadAll,
    audience: &Audience,
    now: DateTime<Utc>,
    article_ids: &[i64],
) -> DomainResult<HashMap<i64, ArticleMedia>> {
    if article_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let statement = Query::select()
        .columns(MEDIA_COLUMNS.map(|c| (media::Entity, c)))
        .columns(TEXT_COLUMNS.map(|c| (media_text::Entity, c)))
        .from(media::Entity)
        .join(
            JoinType::LeftJoin,
            media_text::Entity,
            Expr::col((media_text::Entity, media_text::Column::MediaId))
                .equals((media::Entity, media::Column::Id)),
        )
        .and_where(
            Expr::col((media::Entity, media::Column::ArticleId)).is_in(article_ids.iter().copied()),
        )
        .order_by((media::Entity, media::Column::ArticleId), Order::Asc)
        .order_by((media::Entity, media::Column::Position), Order::Asc)
        .order_by((media::Entity, media::Column::Id), Order::Asc)
        .to_owned();
    let results = db.read_all(&statement).await?;
    let mut rows: Vec<(media::Model, Vec<media_text::Model>)> = Vec::new();
    for result in &results {
        let mut columns = Columns::of(result);
        // An item comes once for each of its texts: its columns are read the first time.
        let id: i64 = columns.value()?;
        if rows.last().is_some_and(|(last, _)| last.id == id) {
            columns.skip(MEDIA_COLUMNS.len() - 1);
        } else {
            rows.push((read_media(id, &mut columns)?, Vec::new()));
        }
        let locale: Option<Locale> = columns.mapped()?;
        let caption: Option<String> = columns.value()?;
        let alt: Option<String> = columns.value()?;
        if let (Some(locale), Some((media, texts))) = (locale, rows.last_mut()) {
            texts.push(media_text::Model {
                media_id: media.id,
                locale,
                caption,
                alt,
            });
        }
    }
    let mut out: HashMap<i64, ArticleMedia> = HashMap::new();
    if let Some(licence) = audience.licence() {
        rows.retain(|(row, _)| {
            articles::carriable(row.syndicatable, row.embargo_until, row.expires_at, now)
        });
        for (_, texts) in &mut rows {
            texts.retain(|t| licence.has_locale(t.locale));
        }
    }
    for (row, texts) in rows {
        let item = Item {
            texts: texts.into(),
            row: Arc::new(row),
        };
        let media = out.entry(item.row.article_id).or_default();
        match item.row.role {
            MediaRole::Cover => media.cover = Some(item),
            MediaRole::Body => media.list.push(item),
            MediaRole::Thumbnail => {
                media.thumbnails.insert(item.row.id, item);
            }
        }
    }
    Ok(out)
}

/// Reads the media row `id` from the next columns: [`MEDIA_COLUMNS`] in order, after the id.
fn read_media(id: i64, columns: &mut Columns<'_>) -> Result<media::Model, DbErr> {
    Ok(media::Model {
        id,
        article_id: columns.value()?,
        kind: columns.mapped()?,
        role: columns.mapped()?,
        position: columns.value()?,
        url: columns.value()?,
        width: columns.value()?,
        height: columns.value()?,
        provider: columns.mapped()?,
        external_id: columns.value()?,
        duration_seconds: columns.value()?,
        thumbnail_id: columns.value()?,
        credit: columns.value()?,
        licence: columns.value()?,
        syndicatable: columns.value()?,
        embargo_until: columns.value()?,
        expires_at: columns.value()?,
        created_at: columns.value()?,
        updated_at: columns.value()?,
    })
}

async fn texts_of(
    db: &DatabaseConnection,
    media_ids: &[i64],
) -> DomainResult<HashMap<i64, Vec<media_text::Model>>> {
    if media_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = media_text::Entity::find()
        .filter(media_text::Column::MediaId.is_in(media_ids.iter().copied()))
        .order_by_asc(media_text::Column::MediaId)
        .order_by_asc(media_text::Column::Locale)
        .all(db)
        .await?;
    let mut map: HashMap<i64, Vec<media_text::Model>> = HashMap::new();
    for row in rows {
        map.entry(row.media_id).or_default().push(row);
    }
    Ok(map)
}

/// The media item with this id and its article, if `audience` can see the article and the item.
pub async fn find(
    db: &DatabaseConnection,
    audience: &Audience,
    now: DateTime<Utc>,
    id: i64,
) -> DomainResult<Option<(Item, article::Model)>> {
    let Some(row) = media::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let withheld = audience.licence().is_some()
        && !articles::carriable(row.syndicatable, row.embargo_until, row.expires_at, now);
    if withheld {
        return Ok(None);
    }
    let Some(article) = articles::find(db, audience, now, row.article_id).await? else {
        return Ok(None);
    };
    let mut texts = texts_of(db, &[id]).await?.remove(&id).unwrap_or_default();
    texts.retain(|t| audience.reads_locale(t.locale));
    Ok(Some((
        Item {
            row: Arc::new(row),
            texts: texts.into(),
        },
        article,
    )))
}

/// The article's list items of `kind`, for `EXISTS` in an article query.
pub fn of_kind(kind: MediaKind) -> SelectStatement {
    Query::select()
        .expr(Expr::val(1))
        .from(media::Entity)
        .and_where(
            Expr::col((media::Entity, media::Column::ArticleId))
                .equals((article::Entity, article::Column::Id)),
        )
        .and_where(media::Column::Role.eq(MediaRole::Body))
        .and_where(media::Column::Kind.eq(kind))
        .to_owned()
}

/// The texts to show: the first preferred locale that has some, else the article's
/// original language, else any.
pub fn localized<'a>(
    texts: &'a [media_text::Model],
    preferred: &[Locale],
    original: Locale,
) -> Option<&'a media_text::Model> {
    let has = |l: Locale| texts.iter().any(|t| t.locale == l);
    let chosen = locale::pick(preferred, has, original);
    texts
        .iter()
        .find(|t| t.locale == chosen)
        .or_else(|| texts.first())
}

/// The embed and watch URLs of a video at its provider.
pub fn video_urls(provider: entity::VideoProvider, id: &str) -> (String, String) {
    match provider {
        entity::VideoProvider::Youtube => (
            format!("https://www.youtube-nocookie.com/embed/{id}"),
            format!("https://www.youtube.com/watch?v={id}"),
        ),
        entity::VideoProvider::Vimeo => (
            format!("https://player.vimeo.com/video/{id}"),
            format!("https://vimeo.com/{id}"),
        ),
    }
}
