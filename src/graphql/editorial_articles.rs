//! Editorial mutations on articles (EDITOR and ADMIN): write, translate, schedule, publish,
//! withdraw, delete.

use async_graphql::{Context, InputObject, MaybeUndefined, Object, SimpleObject, ID};
use chrono::Utc;

use super::{
    article::Article,
    context::{self, preferences},
    editorial_media::patch_time,
    error::DomainResultExt,
    ids::{self, Kind},
    locale::Locale,
    scalars::DateTime,
};
use crate::domain::{
    access,
    editorial::articles::{self, ArticlePatch, ArticleText, NewArticle},
};

/// An article's text in one language.
#[derive(InputObject)]
pub struct ArticleTextInput {
    /// The language.
    pub locale: Locale,
    /// Headline, at most 300 characters. May stay empty while the original text is a draft.
    pub title: String,
    /// Standfirst, at most 1,000 characters.
    pub summary: Option<String>,
    /// Body HTML. It is sanitized: scripts, event handlers and `javascript:` links are
    /// removed.
    pub body: String,
}

impl From<ArticleTextInput> for ArticleText {
    fn from(input: ArticleTextInput) -> Self {
        ArticleText {
            locale: input.locale.into(),
            title: input.title,
            summary: input.summary,
            body: input.body,
        }
    }
}

/// A new article; it starts as a draft.
#[derive(InputObject)]
pub struct CreateArticleInput {
    /// Unique slug: lowercase letters, digits and single hyphens.
    pub slug: String,
    /// Slug of its category.
    pub category: String,
    /// Its text in the language it is written in, which becomes its original language.
    pub text: ArticleTextInput,
    /// Who wrote it.
    pub byline: Option<String>,
    /// Where the story came from: an absolute http(s) URL.
    pub source_url: Option<String>,
}

/// Changes to an article; omitted fields stay as they are, `null` clears a clearable one.
#[derive(InputObject)]
pub struct UpdateArticleInput {
    /// A new slug.
    pub slug: Option<String>,
    /// Slug of a new category.
    pub category: Option<String>,
    /// A new original language; the article must have text in it.
    pub original_locale: Option<Locale>,
    /// A new byline; `null` clears it.
    pub byline: MaybeUndefined<String>,
    /// A new source URL; `null` clears it.
    pub source_url: MaybeUndefined<String>,
}

/// Changes to what partners may do with an article; omitted fields stay as they are, null
/// clears.
#[derive(InputObject)]
pub struct ArticleRightsInput {
    /// Whether partners may carry the article.
    pub syndicatable: Option<bool>,
    /// The credit partners must print, at most 200 characters.
    pub credit: MaybeUndefined<String>,
    /// Partners may not show the article before this time; null lifts the embargo.
    pub embargo_until: MaybeUndefined<DateTime>,
    /// Partners may not show the article from this time on; null lifts the expiry.
    pub expires_at: MaybeUndefined<DateTime>,
}

fn patch_of<T>(value: MaybeUndefined<T>) -> Option<Option<T>> {
    match value {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(v) => Some(Some(v)),
    }
}

/// The article a mutation changed.
#[derive(SimpleObject)]
pub struct ArticlePayload {
    /// The article as it is now.
    pub article: Article,
}

/// The article a deletion removed from the site.
#[derive(SimpleObject)]
pub struct DeleteArticlePayload {
    /// Global id the article had.
    pub deleted_article_id: ID,
    /// Slug the article had.
    pub slug: String,
    /// When it was deleted.
    pub deleted_at: DateTime,
}

pub(super) fn payload(
    ctx: &Context<'_>,
    row: entity::article::Model,
) -> async_graphql::Result<ArticlePayload> {
    Ok(ArticlePayload {
        article: Article::new(row, preferences(ctx, None)?),
    })
}

/// Checks the caller may edit, then reads the article id.
fn editable(ctx: &Context<'_>, id: &ID) -> async_graphql::Result<i64> {
    access::require_editor(context::principal(ctx)?).gql()?;
    ids::decode_as("id", Kind::Article, id)
}

/// Editorial mutations on articles.
#[derive(Default)]
pub struct ArticleMutation;

#[Object]
impl ArticleMutation {
    /// Create an article as a draft, with its original text (EDITOR, ADMIN).
    async fn create_article(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The article.")] input: CreateArticleInput,
    ) -> async_graphql::Result<ArticlePayload> {
        access::require_editor(context::principal(ctx)?).gql()?;
        let new = NewArticle {
            slug: input.slug,
            category: input.category,
            original: input.text.into(),
            byline: input.byline,
            source_url: input.source_url,
        };
        let row = articles::create(context::db(ctx)?, context::writing(ctx)?, Utc::now(), new)
            .await
            .gql()?;
        payload(ctx, row)
    }

    /// Change an article's slug, category, original language, byline or source (EDITOR,
    /// ADMIN).
    async fn update_article(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The article's global id.")] id: ID,
        #[graphql(desc = "The changes.")] input: UpdateArticleInput,
    ) -> async_graphql::Result<ArticlePayload> {
        let id = editable(ctx, &id)?;
        let patch = ArticlePatch {
            slug: input.slug,
            category: input.category,
            original_locale: input.original_locale.map(Into::into),
            byline: patch_of(input.byline),
            source_url: patch_of(input.source_url),
        };
        let row = articles::update(
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

    /// Add or replace the article's text in one language (EDITOR, ADMIN).
    async fn upsert_article_translation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The article's global id.")] id: ID,
        #[graphql(desc = "The text.")] input: ArticleTextInput,
    ) -> async_graphql::Result<ArticlePayload> {
        let id = editable(ctx, &id)?;
        let row = articles::upsert_translation(
            context::db(ctx)?,
            context::writing(ctx)?,
            Utc::now(),
            id,
            input.into(),
        )
        .await
        .gql()?;
        payload(ctx, row)
    }

    /// Remove the article's text in one language; never the original (EDITOR, ADMIN).
    async fn delete_article_translation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The article's global id.")] id: ID,
        #[graphql(desc = "The language to remove.")] locale: Locale,
    ) -> async_graphql::Result<ArticlePayload> {
        let id = editable(ctx, &id)?;
        let row = articles::delete_translation(
            context::db(ctx)?,
            context::writing(ctx)?,
            Utc::now(),
            id,
            locale.into(),
        )
        .await
        .gql()?;
        payload(ctx, row)
    }

    /// Publish the article: now, or at `at` if it lies in the future (the article is then
    /// SCHEDULED and appears to readers at that moment). It needs a title and a body in its
    /// original language (EDITOR, ADMIN).
    async fn publish_article(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The article's global id.")] id: ID,
        #[graphql(desc = "When to publish; omitted or past: now.")] at: Option<DateTime>,
    ) -> async_graphql::Result<ArticlePayload> {
        let id = editable(ctx, &id)?;
        let at = at.map(|t| t.0.with_timezone(&Utc));
        let row = articles::publish(
            context::db(ctx)?,
            context::writing(ctx)?,
            Utc::now(),
            id,
            at,
        )
        .await
        .gql()?;
        payload(ctx, row)
    }

    /// Take the article back to draft; readers no longer see it (EDITOR, ADMIN).
    async fn unpublish_article(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The article's global id.")] id: ID,
    ) -> async_graphql::Result<ArticlePayload> {
        let id = editable(ctx, &id)?;
        let row = articles::unpublish(context::db(ctx)?, context::writing(ctx)?, Utc::now(), id)
            .await
            .gql()?;
        payload(ctx, row)
    }

    /// Withdraw the article from the site but keep it (EDITOR, ADMIN).
    async fn archive_article(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The article's global id.")] id: ID,
    ) -> async_graphql::Result<ArticlePayload> {
        let id = editable(ctx, &id)?;
        let row = articles::archive(context::db(ctx)?, context::writing(ctx)?, Utc::now(), id)
            .await
            .gql()?;
        payload(ctx, row)
    }

    /// Set what partners may do with the article: carry it at all, with which credit, from
    /// when and until when (EDITOR, ADMIN). Readers are not concerned; partners learn of the
    /// change through `changes`.
    async fn set_article_rights(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The article's global id.")] id: ID,
        #[graphql(desc = "The rights to change; omitted fields stay as they are.")]
        input: ArticleRightsInput,
    ) -> async_graphql::Result<ArticlePayload> {
        let id = editable(ctx, &id)?;
        let patch = articles::RightsPatch {
            syndicatable: input.syndicatable,
            credit: patch_of(input.credit),
            embargo_until: patch_time(input.embargo_until),
            expires_at: patch_time(input.expires_at),
        };
        let row = articles::set_rights(
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

    /// Delete the article for everyone (EDITOR, ADMIN). The row is kept, marked deleted, and
    /// partners syncing with `changes` receive its tombstone; `updatedSince` lists only
    /// visible articles and does not show deletions.
    async fn delete_article(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The article's global id.")] id: ID,
    ) -> async_graphql::Result<DeleteArticlePayload> {
        let row_id = editable(ctx, &id)?;
        let row = articles::delete(
            context::db(ctx)?,
            context::writing(ctx)?,
            Utc::now(),
            row_id,
        )
        .await
        .gql()?;
        let zone = context::config(ctx)?.time_zone;
        let deleted_at = row.deleted_at.unwrap_or(row.updated_at);
        Ok(DeleteArticlePayload {
            deleted_article_id: id,
            slug: row.slug,
            deleted_at: DateTime(deleted_at.with_timezone(&zone).fixed_offset()),
        })
    }
}
