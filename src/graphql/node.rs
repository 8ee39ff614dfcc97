//! The `Node` interface and `Query.node`: any object by its global id.

use async_graphql::{Context, Interface, Object, ID};
use chrono::Utc;

use super::{
    article::Article,
    category::Category,
    context::{self, preferences},
    error::DomainResultExt,
    ids::{self, Kind},
    locale::Locale,
};
use crate::domain::{articles, categories};

/// An object with a global id.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "Opaque global id."))]
pub enum Node {
    /// An article.
    Article(Article),
    /// A category.
    Category(Category),
}

/// The `node` root field.
#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// The object with this global id, or null if there is none (or readers cannot see it).
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A global id, as returned in any `id` field.")] id: ID,
        #[graphql(
            desc = "Languages wanted, first preferred; default: Accept-Language, then the server's defaults."
        )]
        locales: Option<Vec<Locale>>,
    ) -> async_graphql::Result<Option<Node>> {
        let db = context::db(ctx)?;
        let locales = preferences(ctx, locales)?;
        Ok(match ids::decode("id", &id)? {
            (Kind::Article, row) => articles::find(db, context::audience(ctx)?, Utc::now(), row)
                .await
                .gql()?
                .map(|r| Node::Article(Article::new(r, locales))),
            (Kind::Category, row) => categories::by_ids(db, &[row])
                .await
                .gql()?
                .remove(&row)
                .map(|r| Node::Category(Category::new(r, locales))),
        })
    }
}
