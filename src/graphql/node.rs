//! The `Node` interface and `Query.node`: any object by its global id.

use async_graphql::{Context, Interface, Object, ID};
use chrono::Utc;

use entity::MediaKind;

use super::{
    article::Article,
    category::Category,
    context::{self, preferences, Preferences},
    error::DomainResultExt,
    ids::{self, Kind},
    locale::Locale,
    media::{Photo, Shown, Video},
    surrogate::{self, Shows},
    tag::Tag,
};
use crate::domain::{access::Audience, articles, categories, changes::Touched, media, tags};

/// An object with a global id.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "Opaque global id."))]
pub enum Node {
    /// An article.
    Article(Article),
    /// A category.
    Category(Category),
    /// A tag.
    Tag(Tag),
    /// A photo.
    Photo(Photo),
    /// A video.
    Video(Video),
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
        let decoded = ids::decode("id", &id)?;
        let shows = match decoded {
            (Kind::Article, row) => Some(Shows::One(Touched::Article(row))),
            (Kind::Category, _) => Some(Shows::Categories),
            (Kind::Tag, row) => Some(Shows::One(Touched::Tag(row))),
            // A photo or video is part of its article, noted once it is found.
            (Kind::Photo | Kind::Video, _) => None,
        };
        surrogate::note(ctx, shows);
        Ok(match decoded {
            (Kind::Article, row) => articles::find(db, &context::audience(ctx)?, Utc::now(), row)
                .await
                .gql()?
                .map(|r| Node::Article(Article::new(r, locales))),
            (Kind::Category, row) => categories::by_ids(db, &[row])
                .await
                .gql()?
                .remove(&row)
                .map(|r| Node::Category(Category::new(r, locales))),
            (Kind::Tag, row) => tags::by_id(db, row)
                .await
                .gql()?
                .map(|r| Node::Tag(Tag::without_names(r, locales))),
            (kind @ (Kind::Photo | Kind::Video), row) => {
                let found = media::find(db, &context::audience(ctx)?, Utc::now(), row)
                    .await
                    .gql()?;
                match found {
                    Some((item, article)) => {
                        surrogate::note(ctx, [Shows::One(Touched::Article(article.id))]);
                        media_node(ctx, kind, item, article, locales).await?
                    }
                    None => None,
                }
            }
        })
    }
}

/// The node of a media item of `article`, if it is of `kind`; a video comes with its
/// thumbnail.
async fn media_node(
    ctx: &Context<'_>,
    kind: Kind,
    item: media::Item,
    article: entity::article::Model,
    locales: Preferences,
) -> async_graphql::Result<Option<Node>> {
    let shown = Shown {
        locales,
        original: article.original_locale,
    };
    Ok(match (kind, item.row.kind) {
        (Kind::Photo, MediaKind::Photo) => Some(Node::Photo(Photo::new(item, shown))),
        (Kind::Video, MediaKind::Video) => {
            let thumbnail = match item.row.thumbnail_id {
                Some(id) => media::find(context::db(ctx)?, &Audience::Staff, Utc::now(), id)
                    .await
                    .gql()?
                    .map(|(thumbnail, _)| thumbnail),
                None => None,
            };
            Some(Node::Video(Video::new(item, thumbnail, shown)))
        }
        _ => None,
    })
}
