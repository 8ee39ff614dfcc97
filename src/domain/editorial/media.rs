//! Attaching, updating, reordering and detaching an article's photos and videos, and
//! setting its cover image. Each change moves the article's `updated_at`.

use chrono::{DateTime, Utc};
use entity::{article, media, media_text, Locale, MediaKind, MediaRole, VideoProvider};
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait,
    DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder,
    TransactionTrait,
};

use crate::domain::{
    access::Audience,
    articles,
    changes::{Change, Changes, Touched},
    outbox::{self, Entry},
    validate, DomainError, DomainResult,
};

/// The most items an article's media list holds.
pub const MAX_MEDIA_PER_ARTICLE: usize = 50;
/// The largest width or height a photo may claim, in pixels.
const MAX_PIXELS: i32 = 20_000;
/// The longest video, in seconds (two days).
const MAX_DURATION: i32 = 172_800;

/// A media item's caption and alt text in one locale.
#[derive(Debug, Clone)]
pub struct MediaText {
    /// The language.
    pub locale: Locale,
    /// What it shows.
    pub caption: Option<String>,
    /// What a photo shows, for readers who cannot see it.
    pub alt: Option<String>,
}

/// A photo to attach.
#[derive(Debug, Clone)]
pub struct NewPhoto {
    /// Absolute http(s) URL of the image.
    pub url: String,
    /// Width in pixels.
    pub width: i32,
    /// Height in pixels.
    pub height: i32,
    /// Who made it.
    pub credit: Option<String>,
    /// Under what terms it may be shown.
    pub licence: Option<String>,
    /// Captions and alt texts, one per locale.
    pub texts: Vec<MediaText>,
}

/// A video to attach.
#[derive(Debug, Clone)]
pub struct NewVideo {
    /// Where it is hosted.
    pub provider: VideoProvider,
    /// Its id there.
    pub external_id: String,
    /// Length in seconds.
    pub duration_seconds: Option<i32>,
    /// The still shown before it plays.
    pub thumbnail: Option<NewPhoto>,
    /// Who made it.
    pub credit: Option<String>,
    /// Under what terms it may be shown.
    pub licence: Option<String>,
    /// Captions, one per locale.
    pub texts: Vec<MediaText>,
}

/// Changes to a media item; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct MediaPatch {
    /// A photo's new URL.
    pub url: Option<String>,
    /// A photo's new width.
    pub width: Option<i32>,
    /// A photo's new height.
    pub height: Option<i32>,
    /// A video's new length; `Some(None)` clears it.
    pub duration_seconds: Option<Option<i32>>,
    /// A new credit; `Some(None)` clears it.
    pub credit: Option<Option<String>>,
    /// A new licence; `Some(None)` clears it.
    pub licence: Option<Option<String>>,
    /// Texts to set, one per locale; the other locales keep theirs.
    pub texts: Option<Vec<MediaText>>,
    /// Whether partners may carry it.
    pub syndicatable: Option<bool>,
    /// A new embargo for partners; `Some(None)` lifts it.
    pub embargo_until: Option<Option<DateTime<Utc>>>,
    /// A new expiry for partners; `Some(None)` lifts it.
    pub expires_at: Option<Option<DateTime<Utc>>>,
}

fn url(field: &'static str, value: &str) -> DomainResult<String> {
    validate::optional_url(field, Some(value))?
        .ok_or_else(|| DomainError::invalid(field, "give the image's URL"))
}

fn pixels(field: &'static str, value: i32) -> DomainResult<i32> {
    if (1..=MAX_PIXELS).contains(&value) {
        Ok(value)
    } else {
        Err(DomainError::invalid(
            field,
            format!("`{field}` must be between 1 and {MAX_PIXELS} pixels, got {value}"),
        ))
    }
}

fn duration(value: Option<i32>) -> DomainResult<Option<i32>> {
    match value {
        Some(v) if !(0..=MAX_DURATION).contains(&v) => Err(DomainError::invalid(
            "durationSeconds",
            format!("`durationSeconds` must be between 0 and {MAX_DURATION}, got {v}"),
        )),
        other => Ok(other),
    }
}

fn external_id(provider: VideoProvider, id: &str) -> DomainResult<String> {
    let valid = match provider {
        VideoProvider::Youtube => {
            id.len() == 11
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        }
        VideoProvider::Vimeo => {
            (1..=12).contains(&id.len()) && id.chars().all(|c| c.is_ascii_digit())
        }
    };
    if valid {
        Ok(id.to_owned())
    } else {
        let expected = match provider {
            VideoProvider::Youtube => "11 letters, digits, `-` or `_`",
            VideoProvider::Vimeo => "1 to 12 digits",
        };
        Err(DomainError::invalid(
            "externalId",
            format!(
                "`{}` is not a video id of this provider ({expected})",
                id.escape_default()
            ),
        ))
    }
}

fn credit(field: &'static str, value: Option<&str>) -> DomainResult<Option<String>> {
    validate::optional_text(field, value, 200)
}

fn checked_texts(texts: &[MediaText]) -> DomainResult<Vec<MediaText>> {
    let mut out = Vec::with_capacity(texts.len());
    for (i, text) in texts.iter().enumerate() {
        if texts[..i].iter().any(|t| t.locale == text.locale) {
            return Err(DomainError::invalid(
                "texts",
                format!("the locale `{}` is given twice", text.locale.code()),
            ));
        }
        out.push(MediaText {
            locale: text.locale,
            caption: validate::optional_text("caption", text.caption.as_deref(), 1000)?,
            alt: validate::optional_text("alt", text.alt.as_deref(), 500)?,
        });
    }
    Ok(out)
}

/// A photo checked, as a row to insert.
fn photo_row(
    photo: &NewPhoto,
    article_id: i64,
    role: MediaRole,
    now: DateTime<Utc>,
) -> DomainResult<(media::ActiveModel, Vec<MediaText>)> {
    let row = media::ActiveModel {
        article_id: Set(article_id),
        kind: Set(MediaKind::Photo),
        role: Set(role),
        position: Set(0),
        url: Set(Some(url("url", &photo.url)?)),
        width: Set(Some(pixels("width", photo.width)?)),
        height: Set(Some(pixels("height", photo.height)?)),
        provider: Set(None),
        external_id: Set(None),
        duration_seconds: Set(None),
        thumbnail_id: Set(None),
        credit: Set(credit("credit", photo.credit.as_deref())?),
        licence: Set(credit("licence", photo.licence.as_deref())?),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    Ok((row, checked_texts(&photo.texts)?))
}

async fn insert(
    txn: &DatabaseTransaction,
    row: media::ActiveModel,
    texts: Vec<MediaText>,
) -> DomainResult<media::Model> {
    let saved = row.insert(txn).await?;
    set_texts(txn, saved.id, texts).await?;
    Ok(saved)
}

async fn set_texts<C: ConnectionTrait>(
    conn: &C,
    media_id: i64,
    texts: Vec<MediaText>,
) -> DomainResult<()> {
    for text in texts {
        media_text::Entity::delete_many()
            .filter(media_text::Column::MediaId.eq(media_id))
            .filter(media_text::Column::Locale.eq(text.locale))
            .exec(conn)
            .await?;
        if text.caption.is_some() || text.alt.is_some() {
            media_text::ActiveModel {
                media_id: Set(media_id),
                locale: Set(text.locale),
                caption: Set(text.caption),
                alt: Set(text.alt),
            }
            .insert(conn)
            .await?;
        }
    }
    Ok(())
}

async fn article(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    id: i64,
) -> DomainResult<article::Model> {
    articles::find(db, &Audience::Staff, now, id)
        .await?
        .ok_or(DomainError::NotFound { what: "article" })
}

/// The ids of the article's list items, in order.
async fn list_of<C: ConnectionTrait>(conn: &C, article_id: i64) -> DomainResult<Vec<i64>> {
    Ok(media::Entity::find()
        .filter(media::Column::ArticleId.eq(article_id))
        .filter(media::Column::Role.eq(MediaRole::Body))
        .order_by_asc(media::Column::Position)
        .order_by_asc(media::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(|m| m.id)
        .collect())
}

/// Numbers the list items `ids` 1, 2, … in this order.
async fn renumber<C: ConnectionTrait>(conn: &C, ids: &[i64]) -> DomainResult<()> {
    for (i, id) in ids.iter().enumerate() {
        media::Entity::update_many()
            .col_expr(
                media::Column::Position,
                Expr::value(i32::try_from(i + 1).unwrap_or(i32::MAX)),
            )
            .filter(media::Column::Id.eq(*id))
            .exec(conn)
            .await?;
    }
    Ok(())
}

/// Moves the article's `updated_at` to `now`, logs the change for partners and commits.
async fn touch_and_commit(
    txn: DatabaseTransaction,
    current: article::Model,
    now: DateTime<Utc>,
) -> DomainResult<article::Model> {
    let mut row: article::ActiveModel = current.into();
    row.updated_at = Set(now);
    let saved = row.update(&txn).await?;
    outbox::record(&txn, now, &[saved.id], &Entry::Article).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Inserts `row` into the article's media list at `position` (1-based; default: last).
async fn attach(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    current: article::Model,
    position: Option<i32>,
    write: impl AsyncFnOnce(&DatabaseTransaction) -> DomainResult<media::Model>,
) -> DomainResult<(article::Model, media::Model)> {
    let txn = db.begin().await?;
    let item = write(&txn).await?;
    let mut list = list_of(&txn, current.id).await?;
    list.retain(|id| *id != item.id);
    if list.len() >= MAX_MEDIA_PER_ARTICLE {
        return Err(DomainError::invalid(
            "articleId",
            format!("an article holds at most {MAX_MEDIA_PER_ARTICLE} media"),
        ));
    }
    let at = match position {
        None => list.len(),
        Some(p) if p >= 1 && (p as usize) <= list.len() + 1 => p as usize - 1,
        Some(p) => {
            return Err(DomainError::invalid(
                "position",
                format!(
                    "`position` must be between 1 and {}, got {p}",
                    list.len() + 1
                ),
            ))
        }
    };
    list.insert(at, item.id);
    renumber(&txn, &list).await?;
    let saved = touch_and_commit(txn, current, now).await?;
    Ok((saved, item))
}

/// Adds a photo to the article's media list.
pub async fn attach_photo(
    db: &DatabaseConnection,
    changes: &Changes,
    now: DateTime<Utc>,
    article_id: i64,
    photo: NewPhoto,
    position: Option<i32>,
) -> DomainResult<(article::Model, media::Model)> {
    let _recorded = changes
        .recording(Change::Articles)
        .touching(Touched::Article(article_id));
    let current = article(db, now, article_id).await?;
    let (row, texts) = photo_row(&photo, article_id, MediaRole::Body, now)?;
    attach(db, now, current, position, async |txn| {
        insert(txn, row, texts).await
    })
    .await
}

/// Adds a video (with its thumbnail photo, if given) to the article's media list.
pub async fn attach_video(
    db: &DatabaseConnection,
    changes: &Changes,
    now: DateTime<Utc>,
    article_id: i64,
    video: NewVideo,
    position: Option<i32>,
) -> DomainResult<(article::Model, media::Model)> {
    let _recorded = changes
        .recording(Change::Articles)
        .touching(Touched::Article(article_id));
    let current = article(db, now, article_id).await?;
    let thumbnail = video
        .thumbnail
        .as_ref()
        .map(|t| photo_row(t, article_id, MediaRole::Thumbnail, now))
        .transpose()?;
    let row = media::ActiveModel {
        article_id: Set(article_id),
        kind: Set(MediaKind::Video),
        role: Set(MediaRole::Body),
        position: Set(0),
        url: Set(None),
        width: Set(None),
        height: Set(None),
        provider: Set(Some(video.provider)),
        external_id: Set(Some(external_id(video.provider, &video.external_id)?)),
        duration_seconds: Set(duration(video.duration_seconds)?),
        thumbnail_id: Set(None),
        credit: Set(credit("credit", video.credit.as_deref())?),
        licence: Set(credit("licence", video.licence.as_deref())?),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    let texts = checked_texts(&video.texts)?;
    attach(db, now, current, position, async |txn| {
        let mut row = row;
        if let Some((thumb, thumb_texts)) = thumbnail {
            row.thumbnail_id = Set(Some(insert(txn, thumb, thumb_texts).await?.id));
        }
        insert(txn, row, texts).await
    })
    .await
}

/// Sets the article's cover photo, replacing the one it had; `None` removes it.
pub async fn set_cover(
    db: &DatabaseConnection,
    changes: &Changes,
    now: DateTime<Utc>,
    article_id: i64,
    photo: Option<NewPhoto>,
) -> DomainResult<article::Model> {
    let _recorded = changes
        .recording(Change::Articles)
        .touching(Touched::Article(article_id));
    let current = article(db, now, article_id).await?;
    let row = photo
        .as_ref()
        .map(|p| photo_row(p, article_id, MediaRole::Cover, now))
        .transpose()?;
    let txn = db.begin().await?;
    media::Entity::delete_many()
        .filter(media::Column::ArticleId.eq(article_id))
        .filter(media::Column::Role.eq(MediaRole::Cover))
        .exec(&txn)
        .await?;
    if let Some((row, texts)) = row {
        insert(&txn, row, texts).await?;
    }
    touch_and_commit(txn, current, now).await
}

/// The media item `id` (not a thumbnail) and its article, for an editor.
async fn item(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    id: i64,
) -> DomainResult<(media::Model, article::Model)> {
    let row = media::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|m| m.role != MediaRole::Thumbnail)
        .ok_or(DomainError::NotFound { what: "media" })?;
    let article = article(db, now, row.article_id).await?;
    Ok((row, article))
}

/// Changes a photo's or video's details or texts.
pub async fn update(
    db: &DatabaseConnection,
    changes: &Changes,
    now: DateTime<Utc>,
    id: i64,
    patch: MediaPatch,
) -> DomainResult<article::Model> {
    let mut recorded = changes.recording(Change::Articles);
    let (current, article) = item(db, now, id).await?;
    recorded.touch(Touched::Article(article.id));
    let photo = current.kind == MediaKind::Photo;
    let embargo_until = patch.embargo_until.unwrap_or(current.embargo_until);
    let expires_at = patch.expires_at.unwrap_or(current.expires_at);
    validate::window(embargo_until, expires_at)?;
    let mut row: media::ActiveModel = current.into();
    if let Some(value) = &patch.url {
        if !photo {
            return Err(DomainError::invalid("url", "a video has no image URL"));
        }
        row.url = Set(Some(url("url", value)?));
    }
    for (field, value, column) in [
        ("width", patch.width, &mut row.width),
        ("height", patch.height, &mut row.height),
    ] {
        if let Some(value) = value {
            if !photo {
                return Err(DomainError::invalid(field, "a video has no size"));
            }
            *column = Set(Some(pixels(field, value)?));
        }
    }
    if let Some(value) = patch.duration_seconds {
        if photo {
            return Err(DomainError::invalid(
                "durationSeconds",
                "a photo has no duration",
            ));
        }
        row.duration_seconds = Set(duration(value)?);
    }
    if let Some(value) = &patch.credit {
        row.credit = Set(credit("credit", value.as_deref())?);
    }
    if let Some(value) = &patch.licence {
        row.licence = Set(credit("licence", value.as_deref())?);
    }
    if let Some(value) = patch.syndicatable {
        row.syndicatable = Set(value);
    }
    row.embargo_until = Set(embargo_until);
    row.expires_at = Set(expires_at);
    let texts = patch.texts.as_deref().map(checked_texts).transpose()?;
    row.updated_at = Set(now);
    let txn = db.begin().await?;
    row.update(&txn).await?;
    if let Some(texts) = texts {
        set_texts(&txn, id, texts).await?;
    }
    outbox::schedule(&txn, now, article.id, &[embargo_until, expires_at]).await?;
    touch_and_commit(txn, article, now).await
}

/// Puts the article's media list in the order of `ids`, which must name every item of it
/// exactly once.
pub async fn reorder(
    db: &DatabaseConnection,
    changes: &Changes,
    now: DateTime<Utc>,
    article_id: i64,
    ids: &[i64],
) -> DomainResult<article::Model> {
    let _recorded = changes
        .recording(Change::Articles)
        .touching(Touched::Article(article_id));
    let current = article(db, now, article_id).await?;
    let mut have = list_of(db, article_id).await?;
    let mut wanted = ids.to_vec();
    have.sort_unstable();
    wanted.sort_unstable();
    if have != wanted {
        return Err(DomainError::invalid(
            "mediaIds",
            "name every item of the article's media list exactly once",
        ));
    }
    let txn = db.begin().await?;
    renumber(&txn, ids).await?;
    touch_and_commit(txn, current, now).await
}

/// Removes a photo or video from its article (with a video's thumbnail).
pub async fn detach(
    db: &DatabaseConnection,
    changes: &Changes,
    now: DateTime<Utc>,
    id: i64,
) -> DomainResult<article::Model> {
    let mut recorded = changes.recording(Change::Articles);
    let (current, article) = item(db, now, id).await?;
    recorded.touch(Touched::Article(article.id));
    let txn = db.begin().await?;
    media::Entity::delete_by_id(id).exec(&txn).await?;
    if let Some(thumbnail) = current.thumbnail_id {
        media::Entity::delete_by_id(thumbnail).exec(&txn).await?;
    }
    let list = list_of(&txn, article.id).await?;
    renumber(&txn, &list).await?;
    touch_and_commit(txn, article, now).await
}
