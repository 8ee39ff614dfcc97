//! The licences of PARTNER keys: which languages and categories each may carry. Admins grant
//! a licence whole; a grant that changes what a partner sees logs a change, for that partner
//! only, of every article it may gain or lose, so that its change feed brings or withdraws
//! them.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use entity::{api_key, category, licence_category, licence_locale, ApiRole, Locale};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    TransactionTrait,
};

use super::{
    access::{Licence, LicensedCategory},
    categories,
    changes::{Change, Changes},
    outbox::{self, Entry},
    DomainError, DomainResult,
};

/// A category to license, as an admin names it.
#[derive(Debug, Clone)]
pub struct CategoryGrant {
    /// Its slug.
    pub slug: String,
    /// Whether its subcategories are licensed too.
    pub with_subcategories: bool,
}

/// The licence of key `key_id`; empty when it has none.
pub async fn of_key<C: ConnectionTrait>(conn: &C, key_id: i64) -> DomainResult<Licence> {
    Ok(of_keys(conn, &[key_id])
        .await?
        .remove(&key_id)
        .unwrap_or_default())
}

/// The licences of these keys, by key id, in three statements whatever their number; a key
/// without one is left out.
pub async fn of_keys<C: ConnectionTrait>(
    conn: &C,
    key_ids: &[i64],
) -> DomainResult<HashMap<i64, Licence>> {
    if key_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let locales = licence_locale::Entity::find()
        .filter(licence_locale::Column::ApiKeyId.is_in(key_ids.iter().copied()))
        .all(conn)
        .await?;
    let granted = licence_category::Entity::find()
        .filter(licence_category::Column::ApiKeyId.is_in(key_ids.iter().copied()))
        .all(conn)
        .await?;
    let tree = if granted.is_empty() {
        Vec::new()
    } else {
        category::Entity::find().all(conn).await?
    };
    let mut out: HashMap<i64, Licence> = HashMap::new();
    for key in key_ids {
        let mut licence = Licence {
            locales: Locale::ALL
                .into_iter()
                .filter(|l| {
                    locales
                        .iter()
                        .any(|row| row.api_key_id == *key && row.locale == *l)
                })
                .collect(),
            categories: granted
                .iter()
                .filter(|row| row.api_key_id == *key)
                .map(|row| LicensedCategory {
                    category_id: row.category_id,
                    with_subcategories: row.with_subcategories,
                })
                .collect(),
            category_ids: Vec::new(),
        };
        licence.category_ids = covered(&tree, &licence.categories);
        if !licence.locales.is_empty() || !licence.categories.is_empty() {
            out.insert(*key, licence);
        }
    }
    Ok(out)
}

/// Every category id `grants` cover in `tree`, sorted.
fn covered(tree: &[category::Model], grants: &[LicensedCategory]) -> Vec<i64> {
    let tree: Vec<&category::Model> = tree.iter().collect();
    let mut ids: Vec<i64> = grants
        .iter()
        .filter_map(|grant| {
            let granted = tree.iter().find(|c| c.id == grant.category_id)?;
            categories::scope_in(&tree, &granted.slug, grant.with_subcategories)
        })
        .flatten()
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Replaces the licence of PARTNER key `key_id` with these languages and categories.
pub async fn grant(
    db: &DatabaseConnection,
    changes: &Changes,
    now: DateTime<Utc>,
    key_id: i64,
    locales: &[Locale],
    grants: &[CategoryGrant],
) -> DomainResult<Licence> {
    let _recorded = changes.recording(Change::Articles);
    let key = api_key::Entity::find_by_id(key_id)
        .one(db)
        .await?
        .ok_or(DomainError::NotFound { what: "API key" })?;
    if key.role != ApiRole::Partner {
        return Err(DomainError::invalid(
            "keyId",
            "only PARTNER keys carry licences; other roles see what their role lets them",
        ));
    }
    if key.revoked_at.is_some() {
        return Err(DomainError::invalid("keyId", "the key has been revoked"));
    }
    let tree = categories::all(db).await?;
    let mut seen = HashSet::new();
    let mut rows = Vec::with_capacity(grants.len());
    for grant in grants {
        if !seen.insert(grant.slug.as_str()) {
            return Err(DomainError::invalid(
                "categories",
                format!("the category `{}` is named twice", grant.slug),
            ));
        }
        let category = tree.iter().find(|c| c.slug == grant.slug).ok_or_else(|| {
            DomainError::invalid(
                "categories",
                format!("no category has the slug `{}`", grant.slug),
            )
        })?;
        rows.push(LicensedCategory {
            category_id: category.id,
            with_subcategories: grant.with_subcategories,
        });
    }

    let before = of_key(db, key_id).await?;
    let txn = db.begin().await?;
    licence_locale::Entity::delete_many()
        .filter(licence_locale::Column::ApiKeyId.eq(key_id))
        .exec(&txn)
        .await?;
    licence_category::Entity::delete_many()
        .filter(licence_category::Column::ApiKeyId.eq(key_id))
        .exec(&txn)
        .await?;
    let mut unique_locales: Vec<Locale> = Vec::new();
    for locale in locales {
        if !unique_locales.contains(locale) {
            unique_locales.push(*locale);
        }
    }
    if !unique_locales.is_empty() {
        licence_locale::Entity::insert_many(unique_locales.iter().map(|locale| {
            licence_locale::ActiveModel {
                api_key_id: Set(key_id),
                locale: Set(*locale),
            }
        }))
        .exec_without_returning(&txn)
        .await?;
    }
    if !rows.is_empty() {
        licence_category::Entity::insert_many(rows.iter().map(|row| {
            licence_category::ActiveModel {
                api_key_id: Set(key_id),
                category_id: Set(row.category_id),
                with_subcategories: Set(row.with_subcategories),
            }
        }))
        .exec_without_returning(&txn)
        .await?;
    }
    let after = of_key(&txn, key_id).await?;
    if after != before {
        // What the partner may gain or lose: the articles of every category it licensed
        // before or licenses now (a change of languages concerns all of them).
        let mut concerned: Vec<i64> = before.category_ids.clone();
        concerned.extend(&after.category_ids);
        concerned.sort_unstable();
        concerned.dedup();
        let articles = outbox::out_in_categories(&txn, &concerned).await?;
        outbox::record(&txn, now, &articles, &Entry::Licence(key_id)).await?;
    }
    txn.commit().await?;
    Ok(after)
}
