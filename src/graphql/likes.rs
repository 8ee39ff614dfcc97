//! The like mutations.

use async_graphql::{Context, Object, SimpleObject, ID};
use chrono::Utc;

use super::{
    article::Article,
    context::{self, preferences, requester},
    error::DomainResultExt,
    ids::{self, Kind},
};
use crate::domain::likes;

/// The state of a like after a mutation.
#[derive(SimpleObject)]
pub struct LikePayload {
    /// The article, in the request's language.
    pub article: Article,
    /// How many readers like it now.
    pub like_count: i32,
    /// Whether the reader who asked likes it now.
    pub viewer_has_liked: bool,
}

/// Mutations on likes. A liker is the authenticated principal, else the `X-Client-Id` header,
/// else the `newswire_client` cookie that the server sets on first contact.
#[derive(Default)]
pub struct LikeMutation;

#[Object]
impl LikeMutation {
    /// Like an article. Idempotent: liking twice counts once.
    async fn like_article(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The article's global id.")] article_id: ID,
    ) -> async_graphql::Result<LikePayload> {
        set_like(ctx, &article_id, true).await
    }

    /// Take back a like. Idempotent: unliking an article not liked changes nothing.
    async fn unlike_article(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The article's global id.")] article_id: ID,
    ) -> async_graphql::Result<LikePayload> {
        set_like(ctx, &article_id, false).await
    }
}

/// Likes (or takes back the like of) the article `article_id` for the requester.
async fn set_like(
    ctx: &Context<'_>,
    article_id: &ID,
    liked: bool,
) -> async_graphql::Result<LikePayload> {
    let id = ids::decode_as("articleId", Kind::Article, article_id)?;
    let (db, changes) = (context::db(ctx)?, context::writing(ctx)?);
    let liker = &requester(ctx)?.liker;
    let audience = context::audience(ctx)?;
    let state = if liked {
        likes::like(db, changes, &audience, Utc::now(), id, liker).await
    } else {
        likes::unlike(db, changes, &audience, Utc::now(), id, liker).await
    };
    payload(ctx, state.gql()?)
}

fn payload(ctx: &Context<'_>, state: likes::LikeState) -> async_graphql::Result<LikePayload> {
    Ok(LikePayload {
        like_count: state.article.like_count,
        viewer_has_liked: state.liked,
        article: Article::new(state.article, preferences(ctx, None)?),
    })
}
