//! A copy of every category with its names, shared by all requests of the process.
//!
//! Categories change a few times a day and every page of articles names them, so a page
//! takes them from here instead of a statement of its own, and a category page finds its
//! category and subcategories here too. A category write through this
//! process drops the copy at once: the copy is keyed by the categories' write generation
//! ([`Changes`]), so a copy loaded across a write is never used; writes through other
//! instances show within the time to live. A category the copy lacks is read from the database, so a new one is never
//! missing. Editorial writes always read the database.

use std::{collections::HashMap, sync::Arc, time::Duration};

use entity::{category, category_translation};
use sea_orm::{DatabaseConnection, EntityTrait};

use super::{
    categories,
    changes::{Change, Changes},
    DomainError, DomainResult,
};

/// A category with its names in every locale it has, shared: a page hands them to its
/// articles without copying them.
pub type Named = (Arc<category::Model>, Arc<[category_translation::Model]>);

/// Every category, by id.
type Snapshot = HashMap<i64, Named>;

/// The shared copy; clones share it.
#[derive(Clone)]
pub struct Directory {
    changes: Changes,
    snapshots: Option<moka::future::Cache<u64, Arc<Snapshot>>>,
}

impl Directory {
    /// A directory whose copy lives for `ttl` and follows the category writes recorded in
    /// `changes`; with a zero `ttl` every lookup reads the database.
    pub fn new(ttl: Duration, changes: Changes) -> Directory {
        let snapshots = (!ttl.is_zero()).then(|| {
            moka::future::Cache::builder()
                .max_capacity(2)
                .time_to_live(ttl)
                .build()
        });
        Directory { changes, snapshots }
    }

    /// The category with this slug, with its names.
    pub async fn by_slug(
        &self,
        db: &DatabaseConnection,
        slug: &str,
    ) -> DomainResult<Option<Named>> {
        if let Some(snapshot) = self.snapshot(db).await? {
            if let Some(named) = snapshot.values().find(|(row, _)| row.slug == slug) {
                return Ok(Some(named.clone()));
            }
        }
        let Some(row) = categories::by_slug(db, slug).await? else {
            return Ok(None);
        };
        Ok(read_named(db, &[row.id]).await?.pop())
    }

    /// The ids of the category named `slug` and, with `include_descendants`, of all its
    /// descendants, as [`categories::scope`] reads them from the database.
    pub async fn scope(
        &self,
        db: &DatabaseConnection,
        field: &'static str,
        slug: &str,
        include_descendants: bool,
    ) -> DomainResult<Vec<i64>> {
        if let Some(snapshot) = self.snapshot(db).await? {
            let tree: Vec<&category::Model> = snapshot.values().map(|(row, _)| &**row).collect();
            if let Some(ids) = categories::scope_in(&tree, slug, include_descendants) {
                return Ok(ids);
            }
        }
        categories::scope(db, field, slug, include_descendants).await
    }

    /// The shared copy, loaded if needed; `None` when the directory is off.
    async fn snapshot(&self, db: &DatabaseConnection) -> DomainResult<Option<Arc<Snapshot>>> {
        let Some(snapshots) = &self.snapshots else {
            return Ok(None);
        };
        let generation = self.changes.of(&[Change::Categories]);
        let snapshot = snapshots
            .try_get_with(generation, load(db))
            .await
            .map_err(DomainError::from_shared)?;
        Ok(Some(snapshot))
    }

    /// The categories with these ids, each with its names.
    pub async fn with_names(
        &self,
        db: &DatabaseConnection,
        ids: &[i64],
    ) -> DomainResult<Vec<Named>> {
        let Some(snapshot) = self.snapshot(db).await? else {
            return read_named(db, ids).await;
        };
        let mut found = Vec::with_capacity(ids.len());
        let mut missing = Vec::new();
        for id in ids {
            match snapshot.get(id) {
                Some(named) => found.push(named.clone()),
                None => missing.push(*id),
            }
        }
        if !missing.is_empty() {
            found.extend(read_named(db, &missing).await?);
        }
        Ok(found)
    }
}

/// The categories with these ids, with their names, from the database.
async fn read_named(db: &DatabaseConnection, ids: &[i64]) -> DomainResult<Vec<Named>> {
    let rows = categories::with_names(db, ids).await?;
    Ok(rows.into_iter().map(share).collect())
}

fn share((row, names): (category::Model, Vec<category_translation::Model>)) -> Named {
    (Arc::new(row), names.into())
}

async fn load(db: &DatabaseConnection) -> DomainResult<Arc<Snapshot>> {
    let rows = category::Entity::find()
        .find_with_related(category_translation::Entity)
        .all(db)
        .await?;
    Ok(Arc::new(
        rows.into_iter()
            .map(|named| (named.0.id, share(named)))
            .collect(),
    ))
}
