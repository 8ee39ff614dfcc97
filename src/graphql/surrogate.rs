//! The surrogate keys of an answer: what it shows, named as writes name what they touch
//! (`domain::changes`), so that a CDN keeping the answer can purge it when one of them
//! changes. Resolvers note the keys of what they read as they read it.

use std::{collections::BTreeSet, sync::Mutex};

use async_graphql::Context;

use crate::domain::changes::{Touched, ARTICLE_LISTS, CATEGORY_LISTS, TAG_LISTS};

/// The keys one request's answer collects; shared by its resolvers.
#[derive(Debug, Default)]
pub struct SurrogateKeys(Mutex<BTreeSet<String>>);

impl SurrogateKeys {
    /// The keys collected, in order.
    pub fn take(&self) -> Vec<String> {
        self.0
            .lock()
            .map(|mut keys| std::mem::take(&mut *keys).into_iter().collect())
            .unwrap_or_default()
    }

    fn add(&self, keys: impl IntoIterator<Item = String>) {
        if let Ok(mut set) = self.0.lock() {
            set.extend(keys);
        }
    }
}

/// What an answer can show.
#[derive(Debug, Clone, Copy)]
pub enum Shows {
    /// One thing, by what writes touch.
    One(Touched),
    /// A list of articles (a page, search hits, a ranking, related articles).
    Articles,
    /// Categories, by name or in the tree.
    Categories,
    /// A list of tags.
    Tags,
}

impl Shows {
    fn key(self) -> String {
        match self {
            Shows::One(touched) => touched.key(),
            Shows::Articles => ARTICLE_LISTS.to_owned(),
            Shows::Categories => CATEGORY_LISTS.to_owned(),
            Shows::Tags => TAG_LISTS.to_owned(),
        }
    }
}

/// Notes that the answer shows all of `shown`; outside a request that collects keys, nothing.
pub fn note(ctx: &Context<'_>, shown: impl IntoIterator<Item = Shows>) {
    if let Some(keys) = ctx.data_opt::<std::sync::Arc<SurrogateKeys>>() {
        keys.add(shown.into_iter().map(Shows::key));
    }
}
