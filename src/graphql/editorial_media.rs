//! Editorial mutations on an article's photos and videos (EDITOR and ADMIN).

use async_graphql::{Context, InputObject, MaybeUndefined, Object, SimpleObject, ID};
use chrono::Utc;

use super::{
    article::Article,
    context::{self, preferences},
    editorial_articles::{payload, ArticlePayload},
    error::DomainResultExt,
    ids::{self, Kind},
    locale::Locale,
    media::{Media, Photo, Shown, VideoProvider},
    scalars::DateTime,
};
use crate::domain::{
    access::{self, Audience},
    editorial::media::{self, MediaPatch, MediaText, NewPhoto, NewVideo},
    media as media_reads,
};

/// A media item's caption and alt text in one language.
#[derive(InputObject)]
pub struct MediaTextInput {
    /// The language.
    pub locale: Locale,
    /// What it shows, at most 1,000 characters.
    pub caption: Option<String>,
    /// What a photo shows, for readers who cannot see it, at most 500 characters.
    pub alt: Option<String>,
}

impl From<MediaTextInput> for MediaText {
    fn from(input: MediaTextInput) -> Self {
        MediaText {
            locale: input.locale.into(),
            caption: input.caption,
            alt: input.alt,
        }
    }
}

/// A photo to attach.
#[derive(InputObject)]
pub struct PhotoInput {
    /// Absolute http(s) URL of the image, at most 2,048 characters.
    pub url: String,
    /// Width in pixels, 1 to 20,000.
    pub width: i32,
    /// Height in pixels, 1 to 20,000.
    pub height: i32,
    /// Who made it, at most 200 characters.
    pub credit: Option<String>,
    /// Under what terms it may be shown, at most 200 characters.
    pub licence: Option<String>,
    /// Captions and alt texts, one per language.
    #[graphql(default)]
    pub texts: Vec<MediaTextInput>,
}

impl From<PhotoInput> for NewPhoto {
    fn from(input: PhotoInput) -> Self {
        NewPhoto {
            url: input.url,
            width: input.width,
            height: input.height,
            credit: input.credit,
            licence: input.licence,
            texts: input.texts.into_iter().map(Into::into).collect(),
        }
    }
}

/// A video to attach.
#[derive(InputObject)]
pub struct VideoInput {
    /// Where it is hosted.
    pub provider: VideoProvider,
    /// Its id there: 11 letters, digits, `-` or `_` on YouTube; 1 to 12 digits on Vimeo.
    pub external_id: String,
    /// Length in seconds, 0 to 172,800.
    pub duration_seconds: Option<i32>,
    /// The still shown before it plays.
    pub thumbnail: Option<PhotoInput>,
    /// Who made it, at most 200 characters.
    pub credit: Option<String>,
    /// Under what terms it may be shown, at most 200 characters.
    pub licence: Option<String>,
    /// Captions, one per language.
    #[graphql(default)]
    pub texts: Vec<MediaTextInput>,
}

/// Changes to a photo or video; omitted fields stay as they are, null clears.
#[derive(InputObject)]
pub struct UpdateMediaInput {
    /// A photo's new image URL.
    pub url: Option<String>,
    /// A photo's new width.
    pub width: Option<i32>,
    /// A photo's new height.
    pub height: Option<i32>,
    /// A video's new length in seconds.
    pub duration_seconds: MaybeUndefined<i32>,
    /// A new credit.
    pub credit: MaybeUndefined<String>,
    /// A new licence.
    pub licence: MaybeUndefined<String>,
    /// Texts to set, one per language (a language with neither caption nor alt loses its
    /// texts); the other languages keep theirs.
    pub texts: Option<Vec<MediaTextInput>>,
    /// Whether partners may carry it (readers always see it).
    pub syndicatable: Option<bool>,
    /// Partners may not show it before this time; null lifts the embargo.
    pub embargo_until: MaybeUndefined<DateTime>,
    /// Partners may not show it from this time on; null lifts the expiry.
    pub expires_at: MaybeUndefined<DateTime>,
}

/// A media item a mutation attached, and its article.
#[derive(SimpleObject)]
pub struct MediaPayload {
    /// The article as it is now.
    pub article: Article,
    /// The photo or video attached.
    pub media: Media,
}

/// Editorial mutations on media.
#[derive(Default)]
pub struct MediaMutation;

/// A time to set, in UTC: omitted stays, null clears.
pub fn patch_time(value: MaybeUndefined<DateTime>) -> Option<Option<chrono::DateTime<Utc>>> {
    Option::<Option<DateTime>>::from(value).map(|v| v.map(|t| t.0.with_timezone(&Utc)))
}

fn editable_article(ctx: &Context<'_>, id: &ID) -> async_graphql::Result<i64> {
    access::require_editor(context::principal(ctx)?).gql()?;
    ids::decode_as("articleId", Kind::Article, id)
}

fn editable_media(ctx: &Context<'_>, id: &ID) -> async_graphql::Result<i64> {
    access::require_editor(context::principal(ctx)?).gql()?;
    match ids::decode("id", id)? {
        (Kind::Photo | Kind::Video, row) => Ok(row),
        _ => Err(super::error::bad_input(
            "id",
            format!("`{}` is not the id of a Photo or Video", id.as_str()),
        )),
    }
}

/// The payload of an attached item.
async fn attached(
    ctx: &Context<'_>,
    article: entity::article::Model,
    item: entity::media::Model,
) -> async_graphql::Result<MediaPayload> {
    let locales = preferences(ctx, None)?;
    let shown = Shown {
        locales: locales.clone(),
        original: article.original_locale,
    };
    let all = media_reads::of_articles(
        context::db(ctx)?,
        &Audience::Staff,
        chrono::Utc::now(),
        &[article.id],
    )
    .await
    .gql()?
    .remove(&article.id)
    .unwrap_or_default();
    let media = all
        .list
        .iter()
        .find(|i| i.row.id == item.id)
        .cloned()
        .map(|i| super::media::of_item(i, &all, shown.clone()))
        .unwrap_or_else(|| {
            Media::Photo(Photo::new(
                media_reads::Item {
                    row: item.into(),
                    texts: std::sync::Arc::from([]),
                },
                shown,
            ))
        });
    Ok(MediaPayload {
        article: Article::new(article, locales),
        media,
    })
}

#[Object]
impl MediaMutation {
    /// Add a photo to an article's media list, at `position` (1-based; default: last)
    /// (EDITOR, ADMIN).
    async fn attach_photo(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The article's global id.")] article_id: ID,
        #[graphql(desc = "The photo.")] input: PhotoInput,
        #[graphql(desc = "Its place in the list, from 1; default: last.")] position: Option<i32>,
    ) -> async_graphql::Result<MediaPayload> {
        let id = editable_article(ctx, &article_id)?;
        let (article, item) = media::attach_photo(
            context::db(ctx)?,
            context::writing(ctx)?,
            Utc::now(),
            id,
            input.into(),
            position,
        )
        .await
        .gql()?;
        attached(ctx, article, item).await
    }

    /// Add a video to an article's media list, at `position` (1-based; default: last)
    /// (EDITOR, ADMIN).
    async fn attach_video(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The article's global id.")] article_id: ID,
        #[graphql(desc = "The video.")] input: VideoInput,
        #[graphql(desc = "Its place in the list, from 1; default: last.")] position: Option<i32>,
    ) -> async_graphql::Result<MediaPayload> {
        let id = editable_article(ctx, &article_id)?;
        let video = NewVideo {
            provider: input.provider.into(),
            external_id: input.external_id,
            duration_seconds: input.duration_seconds,
            thumbnail: input.thumbnail.map(Into::into),
            credit: input.credit,
            licence: input.licence,
            texts: input.texts.into_iter().map(Into::into).collect(),
        };
        let (article, item) = media::attach_video(
            context::db(ctx)?,
            context::writing(ctx)?,
            Utc::now(),
            id,
            video,
            position,
        )
        .await
        .gql()?;
        attached(ctx, article, item).await
    }

    /// Set an article's cover photo, replacing the one it had; null removes it (EDITOR,
    /// ADMIN).
    async fn set_cover_image(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The article's global id.")] article_id: ID,
        #[graphql(desc = "The cover photo; null removes the cover.")] input: Option<PhotoInput>,
    ) -> async_graphql::Result<ArticlePayload> {
        let id = editable_article(ctx, &article_id)?;
        let row = media::set_cover(
            context::db(ctx)?,
            context::writing(ctx)?,
            Utc::now(),
            id,
            input.map(Into::into),
        )
        .await
        .gql()?;
        payload(ctx, row)
    }

    /// Change a photo's or video's details, captions or alt texts (EDITOR, ADMIN).
    async fn update_media(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The photo's or video's global id.")] id: ID,
        #[graphql(desc = "The changes.")] input: UpdateMediaInput,
    ) -> async_graphql::Result<ArticlePayload> {
        let id = editable_media(ctx, &id)?;
        let patch = MediaPatch {
            url: input.url,
            width: input.width,
            height: input.height,
            duration_seconds: input.duration_seconds.into(),
            credit: input.credit.into(),
            licence: input.licence.into(),
            texts: input
                .texts
                .map(|texts| texts.into_iter().map(Into::into).collect()),
            syndicatable: input.syndicatable,
            embargo_until: patch_time(input.embargo_until),
            expires_at: patch_time(input.expires_at),
        };
        let row = media::update(
            context::db(ctx)?,
            context::writing(ctx)?,
            Utc::now(),
            id,
            patch,
        )
        .await
        .gql()?;
        payload(ctx, row)
    }

    /// Put an article's media list in this order; every item must be named once (EDITOR,
    /// ADMIN).
    async fn reorder_media(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The article's global id.")] article_id: ID,
        #[graphql(desc = "Every photo and video of the list, in the new order.")] media_ids: Vec<
            ID,
        >,
    ) -> async_graphql::Result<ArticlePayload> {
        let id = editable_article(ctx, &article_id)?;
        let mut rows = Vec::with_capacity(media_ids.len());
        for media in &media_ids {
            rows.push(match ids::decode("mediaIds", media)? {
                (Kind::Photo | Kind::Video, row) => row,
                _ => {
                    return Err(super::error::bad_input(
                        "mediaIds",
                        format!("`{}` is not the id of a Photo or Video", media.as_str()),
                    ))
                }
            });
        }
        let row = media::reorder(
            context::db(ctx)?,
            context::writing(ctx)?,
            Utc::now(),
            id,
            &rows,
        )
        .await
        .gql()?;
        payload(ctx, row)
    }

    /// Remove a photo or video from its article (a video with its thumbnail) (EDITOR,
    /// ADMIN).
    async fn detach_media(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The photo's or video's global id.")] id: ID,
    ) -> async_graphql::Result<ArticlePayload> {
        let id = editable_media(ctx, &id)?;
        let row = media::detach(context::db(ctx)?, context::writing(ctx)?, Utc::now(), id)
            .await
            .gql()?;
        payload(ctx, row)
    }
}
