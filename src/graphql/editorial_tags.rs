//! Editorial mutations on tags (EDITOR and ADMIN): create, rename, merge, tag articles.

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use chrono::Utc;

use super::{
    context::{self, preferences},
    editorial_articles::{payload, ArticlePayload},
    error::DomainResultExt,
    ids::{self, Kind},
    locale::Locale,
    tag::{Tag, TagKind},
};
use crate::domain::{
    access,
    editorial::tags::{self, NewTag, TagPatch},
};

/// A tag's name in one language.
#[derive(InputObject)]
pub struct TagNameInput {
    /// The language.
    pub locale: Locale,
    /// The name as readers of that language write it, 1 to 120 characters.
    pub name: String,
}

fn names(input: Vec<TagNameInput>) -> Vec<(entity::Locale, String)> {
    input
        .into_iter()
        .map(|n| (n.locale.into(), n.name))
        .collect()
}

/// A new tag.
#[derive(InputObject)]
pub struct CreateTagInput {
    /// Unique slug: lowercase letters, digits and single hyphens.
    pub slug: String,
    /// What it names.
    pub kind: TagKind,
    /// Names, one per language; at least one.
    pub names: Vec<TagNameInput>,
}

/// Changes to a tag; omitted fields stay as they are.
#[derive(InputObject)]
pub struct UpdateTagInput {
    /// A new slug.
    pub slug: Option<String>,
    /// A new kind.
    pub kind: Option<TagKind>,
    /// Names to set, one per language; the other languages keep theirs.
    pub names: Option<Vec<TagNameInput>>,
}

/// The tag a mutation changed.
#[derive(SimpleObject)]
pub struct TagPayload {
    /// The tag as it is now.
    pub tag: Tag,
}

fn tag_payload(ctx: &Context<'_>, row: entity::tag::Model) -> async_graphql::Result<TagPayload> {
    Ok(TagPayload {
        tag: Tag::without_names(row, preferences(ctx, None)?),
    })
}

fn tag_id(ctx: &Context<'_>, field: &str, id: &ID) -> async_graphql::Result<i64> {
    access::require_editor(context::principal(ctx)?).gql()?;
    ids::decode_as(field, Kind::Tag, id)
}

/// Editorial mutations on tags.
#[derive(Default)]
pub struct TagMutation;

#[Object]
impl TagMutation {
    /// Create a tag with its names (EDITOR, ADMIN).
    async fn create_tag(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The tag.")] input: CreateTagInput,
    ) -> async_graphql::Result<TagPayload> {
        access::require_editor(context::principal(ctx)?).gql()?;
        let new = NewTag {
            slug: input.slug,
            kind: input.kind.into(),
            names: names(input.names),
        };
        let row = tags::create(context::db(ctx)?, context::writing(ctx)?, Utc::now(), new)
            .await
            .gql()?;
        tag_payload(ctx, row)
    }

    /// Rename a tag (its slug, or its name in some languages) or change its kind; the
    /// articles carrying it are found by the new names at once (EDITOR, ADMIN).
    async fn update_tag(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The tag's global id.")] id: ID,
        #[graphql(desc = "The changes.")] input: UpdateTagInput,
    ) -> async_graphql::Result<TagPayload> {
        let id = tag_id(ctx, "id", &id)?;
        let patch = TagPatch {
            slug: input.slug,
            kind: input.kind.map(Into::into),
            names: input.names.map(names),
        };
        let row = tags::update(
            context::db(ctx)?,
            context::writing(ctx)?,
            Utc::now(),
            id,
            patch,
        )
        .await
        .gql()?;
        tag_payload(ctx, row)
    }

    /// Merge one tag into another: the articles carrying `sourceId` carry `targetId`
    /// instead, the target takes the source's names in languages it has none in, and the
    /// source is deleted (EDITOR, ADMIN).
    async fn merge_tags(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The tag to merge away.")] source_id: ID,
        #[graphql(desc = "The tag that stays.")] target_id: ID,
    ) -> async_graphql::Result<TagPayload> {
        let source = tag_id(ctx, "sourceId", &source_id)?;
        let target = tag_id(ctx, "targetId", &target_id)?;
        let row = tags::merge(
            context::db(ctx)?,
            context::writing(ctx)?,
            Utc::now(),
            source,
            target,
        )
        .await
        .gql()?;
        tag_payload(ctx, row)
    }

    /// Set an article's tags, in this order, by slug (at most 20; an empty list removes
    /// them) (EDITOR, ADMIN).
    async fn set_article_tags(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The article's global id.")] article_id: ID,
        #[graphql(desc = "Slugs of the tags, in order.")] tags: Vec<String>,
    ) -> async_graphql::Result<ArticlePayload> {
        access::require_editor(context::principal(ctx)?).gql()?;
        let id = ids::decode_as("articleId", Kind::Article, &article_id)?;
        let row = tags::set_article_tags(
            context::db(ctx)?,
            context::writing(ctx)?,
            Utc::now(),
            id,
            &tags,
        )
        .await
        .gql()?;
        payload(ctx, row)
    }
}
