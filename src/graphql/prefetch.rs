//! Priming the request's loaders for a page of articles.
//!
//! A root field that returns articles knows, from the query, which nested data its articles
//! will ask for. It fetches each kind for the whole page at once (concurrently, one statement
//! per kind) and feeds the loaders, so the nested fields resolve from the request cache: no
//! waiting for a batch window, and a statement count that never depends on timing.

use std::sync::Arc;

use async_graphql::{Context, Lookahead};
use entity::article;

use super::{
    context,
    error::DomainResultExt,
    surrogate::{self, Shows},
};
use chrono::Utc;

use crate::domain::{
    changes::Touched,
    likes, media, related,
    translations::{self, Headline},
    DomainResult,
};

/// Article fields that read only the served translation's headline.
const SERVED_FIELDS: [&str; 4] = ["title", "summary", "locale", "canonicalUrl"];

/// Article fields that read the headlines of all the article's translations.
const HEADLINE_FIELDS: [&str; 3] = ["availableLocales", "alternates", "openGraph"];

/// Article fields that read whole translations, bodies included.
const BODY_FIELDS: [&str; 3] = ["body", "translation", "translations"];

/// Article fields that read the article's media.
const MEDIA_FIELDS: [&str; 3] = ["coverImage", "media", "openGraph"];

/// What the statement that read a page's rows already read beside them.
#[derive(Debug, Default)]
pub struct Known {
    /// The reader's like state of each row, by article id.
    pub liked: Option<Vec<(i64, bool)>>,
    /// Whether each row came with its served headline.
    pub headlines: bool,
}

/// Whether the served headline of each article, read with the page, is all the translation
/// text that `selections` (each one the selection of an `Article`) need.
pub fn served_headline_suffices(selections: &[Lookahead<'_>]) -> bool {
    let wants = |name: &str| selections.iter().any(|s| s.field(name).exists());
    SERVED_FIELDS.iter().any(|f| wants(f))
        && !HEADLINE_FIELDS.iter().chain(&BODY_FIELDS).any(|f| wants(f))
}

/// Fetches what `selections` (each one the selection of an `Article`) will need for `rows`,
/// and feeds it to the request's loaders; `known` is what the statement that read the rows
/// already said.
pub async fn articles(
    ctx: &Context<'_>,
    selections: &[Lookahead<'_>],
    rows: &[&article::Model],
    known: Known,
) -> async_graphql::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let wants = |name: &str| selections.iter().any(|s| s.field(name).exists());
    let bodies = BODY_FIELDS.iter().any(|f| wants(f));
    let wants_headlines = HEADLINE_FIELDS.iter().any(|f| wants(f))
        || (!known.headlines && SERVED_FIELDS.iter().any(|f| wants(f)));
    // Whole translations serve headlines as well.
    let headlines = wants_headlines && !bodies;
    let liked = wants("viewerHasLiked") && known.liked.is_none();
    let category = wants("category");
    let tags = wants("tags");
    let media = MEDIA_FIELDS.iter().any(|f| wants(f));
    let related = wants("related");

    surrogate::note(
        ctx,
        rows.iter()
            .map(|r| Shows::One(Touched::Article(r.id)))
            .chain(category.then_some(Shows::Categories))
            .chain(related.then_some(Shows::Articles)),
    );
    let db = context::db(ctx)?;
    let reads = context::reads(ctx)?;
    let liker = &context::requester(ctx)?.liker;
    let directory = context::directory(ctx)?;
    let tag_directory = context::tag_directory(ctx)?;
    let audience = context::audience(ctx)?;
    let now = Utc::now();
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut category_ids: Vec<i64> = rows.iter().map(|r| r.category_id).collect();
    category_ids.sort_unstable();
    category_ids.dedup();

    let (texts, headlines, liked_ids, categories, tags, media, related) = tokio::try_join!(
        when(bodies, || translations::of_articles(db, &audience, &ids)),
        when(headlines, || translations::headlines_of(
            db, &audience, &ids
        )),
        when(liked, || likes::liked_by(db, liker, &ids)),
        when(category, || directory.with_names(db, &category_ids)),
        when(tags, || tag_directory.of_articles(reads, &ids)),
        when(media, || media::of_articles(reads, &audience, now, &ids)),
        when(related, || related::of_articles(db, &audience, now, &ids)),
    )
    .gql()?;

    let loaders = context::loaders(ctx)?;
    if let Some(mut texts) = texts {
        let values: Vec<(i64, Arc<[_]>)> = ids
            .iter()
            .map(|id| (*id, Arc::from(texts.remove(id).unwrap_or_default())))
            .collect();
        if wants_headlines {
            let headlines = values
                .iter()
                .map(|(id, texts)| (*id, texts.iter().map(Headline::from).collect()))
                .collect::<Vec<_>>();
            loaders.headlines.feed_many(headlines).await;
        }
        loaders.translations.feed_many(values).await;
    }
    if let Some(mut headlines) = headlines {
        let values: Vec<(i64, Arc<[_]>)> = ids
            .iter()
            .map(|id| (*id, Arc::from(headlines.remove(id).unwrap_or_default())))
            .collect();
        loaders.headlines.feed_many(values).await;
    }
    let liked = liked_ids
        .map(|liked| ids.iter().map(|id| (*id, liked.contains(id))).collect())
        .or(known.liked);
    if let Some(values) = liked {
        loaders.liked.feed_many(values).await;
    }
    if let Some(categories) = categories {
        let mut names = Vec::with_capacity(categories.len());
        let mut rows = Vec::with_capacity(categories.len());
        for (row, translations) in categories {
            names.push((row.id, translations));
            rows.push((row.id, row));
        }
        loaders.category.feed_many(rows).await;
        loaders.category_names.feed_many(names).await;
    }
    if let Some(mut tags) = tags {
        surrogate::note(
            ctx,
            tags.values()
                .flatten()
                .map(|view| Shows::One(Touched::Tag(view.tag.id))),
        );
        let values: Vec<(i64, Arc<[_]>)> = ids
            .iter()
            .map(|id| (*id, Arc::from(tags.remove(id).unwrap_or_default())))
            .collect();
        loaders.tags.feed_many(values).await;
    }
    if let Some(mut media) = media {
        let values: Vec<(i64, Arc<_>)> = ids
            .iter()
            .map(|id| (*id, Arc::new(media.remove(id).unwrap_or_default())))
            .collect();
        loaders.media.feed_many(values).await;
    }
    if let Some(mut related) = related {
        let values: Vec<(i64, Arc<[_]>)> = ids
            .iter()
            .map(|id| (*id, Arc::from(related.remove(id).unwrap_or_default())))
            .collect();
        let mut nested: Vec<Arc<article::Model>> = Vec::new();
        for row in values.iter().flat_map(|(_, rows)| rows.iter()) {
            if !nested.iter().any(|r| r.id == row.id) {
                nested.push(row.clone());
            }
        }
        loaders.related.feed_many(values).await;
        let selections: Vec<Lookahead<'_>> =
            selections.iter().map(|s| s.field("related")).collect();
        let rows: Vec<&article::Model> = nested.iter().map(|r| &**r).collect();
        Box::pin(articles(ctx, &selections, &rows, Known::default())).await?;
    }
    Ok(())
}

/// Fetches the whole translations of `rows` and feeds them to the request's loaders, unless
/// they are there already.
pub async fn translations(
    ctx: &Context<'_>,
    rows: &[&article::Model],
) -> async_graphql::Result<()> {
    let loaders = context::loaders(ctx)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let missing: Vec<i64> = {
        let known = loaders.translations.get_cached_values::<i64>();
        ids.into_iter()
            .filter(|id| !known.contains_key(id))
            .collect()
    };
    if missing.is_empty() {
        return Ok(());
    }
    let audience = context::audience(ctx)?;
    let mut texts = translations::of_articles(context::db(ctx)?, &audience, &missing)
        .await
        .gql()?;
    let values: Vec<(i64, Arc<[_]>)> = missing
        .iter()
        .map(|id| (*id, Arc::from(texts.remove(id).unwrap_or_default())))
        .collect();
    loaders.translations.feed_many(values).await;
    Ok(())
}

/// Runs the fetch `start` makes only when `needed`, boxed: the future of a page's prefetch
/// holds a pointer for each fetch, not seven statements' futures side by side, and a fetch
/// not needed is never made.
async fn when<T, F>(needed: bool, start: impl FnOnce() -> F) -> DomainResult<Option<T>>
where
    F: std::future::Future<Output = DomainResult<T>>,
{
    if needed {
        Box::pin(start()).await.map(Some)
    } else {
        Ok(None)
    }
}
