//! Editorial mutations on categories (EDITOR and ADMIN).

use async_graphql::{Context, InputObject, MaybeUndefined, Object, SimpleObject, ID};
use chrono::Utc;

use super::{
    category::Category,
    context::{self, preferences},
    error::DomainResultExt,
    ids::{self, Kind},
    locale::Locale,
};
use crate::domain::{
    access,
    editorial::categories::{self, CategoryPatch, CategoryText, NewCategory},
};

/// A category's name in one language.
#[derive(InputObject)]
pub struct CategoryNameInput {
    /// The language.
    pub locale: Locale,
    /// Display name, 1 to 120 characters.
    pub name: String,
    /// One sentence about the section, at most 500 characters.
    pub description: Option<String>,
}

impl From<CategoryNameInput> for CategoryText {
    fn from(input: CategoryNameInput) -> Self {
        CategoryText {
            locale: input.locale.into(),
            name: input.name,
            description: input.description,
        }
    }
}

/// A new category.
#[derive(InputObject)]
pub struct CreateCategoryInput {
    /// Unique slug: lowercase letters, digits and single hyphens.
    pub slug: String,
    /// Slug of the enclosing category; omit for a top-level section.
    pub parent: Option<String>,
    /// Place among its siblings; default: after the last.
    pub position: Option<i32>,
    /// Names, one per language; at least one.
    pub names: Vec<CategoryNameInput>,
}

/// Changes to a category; omitted fields stay as they are.
#[derive(InputObject)]
pub struct UpdateCategoryInput {
    /// A new slug.
    pub slug: Option<String>,
    /// Slug of a new enclosing category; `null` moves the category to the top level.
    pub parent: MaybeUndefined<String>,
    /// A new place among its siblings.
    pub position: Option<i32>,
}

/// The category a mutation changed.
#[derive(SimpleObject)]
pub struct CategoryPayload {
    /// The category as it is now.
    pub category: Category,
}

/// The category a deletion removed.
#[derive(SimpleObject)]
pub struct DeleteCategoryPayload {
    /// Global id the category had.
    pub deleted_category_id: ID,
    /// Slug the category had.
    pub slug: String,
}

/// Editorial mutations on categories.
#[derive(Default)]
pub struct CategoryMutation;

fn payload(
    ctx: &Context<'_>,
    row: entity::category::Model,
) -> async_graphql::Result<CategoryPayload> {
    Ok(CategoryPayload {
        category: Category::new(row, preferences(ctx, None)?),
    })
}

#[Object]
impl CategoryMutation {
    /// Create a category with its names (EDITOR, ADMIN).
    async fn create_category(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The category.")] input: CreateCategoryInput,
    ) -> async_graphql::Result<CategoryPayload> {
        access::require_editor(context::principal(ctx)?).gql()?;
        let new = NewCategory {
            slug: input.slug,
            parent: input.parent,
            position: input.position,
            names: input.names.into_iter().map(Into::into).collect(),
        };
        let row =
            categories::create(context::db(ctx)?, context::writing(ctx)?, Utc::now(), new).await;
        let row = row.gql()?;
        payload(ctx, row)
    }

    /// Rename, move or reorder a category (EDITOR, ADMIN).
    async fn update_category(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The category's global id.")] id: ID,
        #[graphql(desc = "The changes.")] input: UpdateCategoryInput,
    ) -> async_graphql::Result<CategoryPayload> {
        access::require_editor(context::principal(ctx)?).gql()?;
        let id = ids::decode_as("id", Kind::Category, &id)?;
        let patch = CategoryPatch {
            slug: input.slug,
            parent: match input.parent {
                MaybeUndefined::Undefined => None,
                MaybeUndefined::Null => Some(None),
                MaybeUndefined::Value(slug) => Some(Some(slug)),
            },
            position: input.position,
        };
        let row = categories::update(
            context::db(ctx)?,
            context::writing(ctx)?,
            Utc::now(),
            id,
            patch,
        )
        .await;
        let row = row.gql()?;
        payload(ctx, row)
    }

    /// Set a category's name and description in one language (EDITOR, ADMIN).
    async fn upsert_category_translation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The category's global id.")] id: ID,
        #[graphql(desc = "The name and description.")] input: CategoryNameInput,
    ) -> async_graphql::Result<CategoryPayload> {
        access::require_editor(context::principal(ctx)?).gql()?;
        let id = ids::decode_as("id", Kind::Category, &id)?;
        let row = categories::upsert_translation(
            context::db(ctx)?,
            context::writing(ctx)?,
            Utc::now(),
            id,
            input.into(),
        )
        .await;
        let row = row.gql()?;
        payload(ctx, row)
    }

    /// Delete a category that has no subcategories and holds no articles (EDITOR, ADMIN).
    async fn delete_category(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The category's global id.")] id: ID,
    ) -> async_graphql::Result<DeleteCategoryPayload> {
        access::require_editor(context::principal(ctx)?).gql()?;
        let row_id = ids::decode_as("id", Kind::Category, &id)?;
        let row = categories::delete(context::db(ctx)?, context::writing(ctx)?, row_id).await;
        let row = row.gql()?;
        Ok(DeleteCategoryPayload {
            deleted_category_id: id,
            slug: row.slug,
        })
    }
}
