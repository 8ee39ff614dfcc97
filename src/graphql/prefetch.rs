//! Priming the request's loaders for a page of articles.
//!
//! A root field that returns articles knows, from the query, which nested data its articles
//! will ask for. It fetches each kind for the whole page at once (concurrently, one statement
//! per kind) and feeds the loaders, so the nested fields resolve from the request cache: no
//! waiting for a batch window, and a statement count that never depends on timing.

use std::{collections::HashSet, sync::Arc};

use async_graphql::{Context, Lookahead};
use entity::article;

use super::{context, error::DomainResultExt, loaders::Loaders};
use crate::domain::{
    category_directory::Directory,
    likes,
    translations::{self, Text},
    DomainResult,
};

/// Article fields that read the article's translations without their bodies.
const HEADLINE_FIELDS: [&str; 5] = [
    "title",
    "summary",
    "locale",
    "availableLocales",
    "canonicalUrl",
];

/// Article fields that read whole translations, bodies included.
const BODY_FIELDS: [&str; 3] = ["body", "translation", "translations"];

/// Fetches what `selections` (each one the selection of an `Article`) will need for `rows`,
/// and feeds it to the request's loaders. `liked_with_rows` is which of `rows` the reader
/// likes, when the statement that read the rows said so.
pub async fn articles(
    ctx: &Context<'_>,
    selections: &[Lookahead<'_>],
    rows: &[article::Model],
    liked_with_rows: Option<&HashSet<i64>>,
) -> async_graphql::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let wants = |name: &str| selections.iter().any(|s| s.field(name).exists());
    let headlines = HEADLINE_FIELDS.iter().any(|f| wants(f));
    let bodies = BODY_FIELDS.iter().any(|f| wants(f));
    let text = if bodies { Text::Full } else { Text::Headline };
    let liked = wants("viewerHasLiked") && liked_with_rows.is_none();
    let category = wants("category");

    let db = context::db(ctx);
    let liker = &context::requester(ctx).liker;
    let directory = ctx.data_unchecked::<Directory>();
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut category_ids: Vec<i64> = rows.iter().map(|r| r.category_id).collect();
    category_ids.sort_unstable();
    category_ids.dedup();

    let (texts, liked_ids, categories) = tokio::try_join!(
        when(
            headlines || bodies,
            translations::of_articles(db, &ids, text)
        ),
        when(liked, likes::liked_by(db, liker, &ids)),
        when(category, directory.with_names(db, &category_ids)),
    )
    .gql()?;

    let loaders = ctx.data_unchecked::<Loaders>();
    if let Some(mut texts) = texts {
        let values: Vec<(i64, Arc<[_]>)> = ids
            .iter()
            .map(|id| (*id, Arc::from(texts.remove(id).unwrap_or_default())))
            .collect();
        // Whole translations serve headlines as well.
        if headlines {
            loaders.headlines.feed_many(values.clone()).await;
        }
        if bodies {
            loaders.translations.feed_many(values).await;
        }
    }
    if let Some(liked_ids) = liked_ids.as_ref().or(liked_with_rows) {
        let values: Vec<_> = ids.iter().map(|id| (*id, liked_ids.contains(id))).collect();
        loaders.liked.feed_many(values).await;
    }
    if let Some(categories) = categories {
        let mut names = Vec::with_capacity(categories.len());
        let mut rows = Vec::with_capacity(categories.len());
        for (row, translations) in categories {
            names.push((row.id, Arc::from(translations)));
            rows.push((row.id, Arc::new(row)));
        }
        loaders.category.feed_many(rows).await;
        loaders.category_names.feed_many(names).await;
    }
    Ok(())
}

/// Runs `fetch` only when `needed`.
async fn when<T>(
    needed: bool,
    fetch: impl std::future::Future<Output = DomainResult<T>>,
) -> DomainResult<Option<T>> {
    if needed {
        fetch.await.map(Some)
    } else {
        Ok(None)
    }
}
