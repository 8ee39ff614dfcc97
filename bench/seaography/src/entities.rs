//! newswire's entity modules as seaography wants them: each module re-exports the entity
//! crate's module and adds a `RelatedEntity` enum, the relations seaography turns into fields
//! (a variant's name, in lower camel case, is the field's name).
//!
//! The enums live here, not behind a feature of the entity crate: `DeriveRelatedEntity`
//! implements a seaography trait, so the crate that derives it must depend on seaography, and
//! seaography 2 requires async-graphql 7.0 while the server pins 7.2. Cargo resolves every
//! optional dependency of a workspace member into the server's lock file, so even an optional
//! dependency there would make the server's build fail to resolve.
//!
//! `api_key` is left out: the peer serves reader data only.

/// Defines a module that re-exports `entity::$name` and adds its `RelatedEntity`.
macro_rules! with_relations {
    ($(#[doc = $doc:literal])* $name:ident { $($(#[doc = $variant_doc:literal])* #[sea_orm($($attr:tt)*)] $variant:ident,)* }) => {
        $(#[doc = $doc])*
        pub mod $name {
            pub use entity::$name::*;
            #[allow(unused_imports)]
            use sea_orm::{
                entity::prelude::{DeriveRelatedEntity, EnumIter},
                RelationTrait,
            };

            /// The relations seaography exposes as fields of this entity.
            #[derive(Copy, Clone, Debug, EnumIter, DeriveRelatedEntity)]
            pub enum RelatedEntity {
                $($(#[doc = $variant_doc])* #[sea_orm($($attr)*)] $variant,)*
            }
        }
    };
}

with_relations!(
    /// `article`.
    article {
        /// The article's category.
        #[sea_orm(entity = "super::category::Entity")]
        Category,
        /// Its text per locale.
        #[sea_orm(entity = "super::article_translation::Entity")]
        Translations,
        /// The likes it received.
        #[sea_orm(entity = "super::article_like::Entity")]
        Likes,
        /// Its tag rows, each with its tag.
        #[sea_orm(entity = "super::article_tag::Entity")]
        ArticleTags,
        /// Its photos and videos (cover, media list, thumbnails).
        #[sea_orm(entity = "super::media::Entity")]
        Media,
    }
);

with_relations!(
    /// `article_translation`.
    article_translation {
        /// The article this text belongs to.
        #[sea_orm(entity = "super::article::Entity")]
        Article,
    }
);

with_relations!(
    /// `article_like`.
    article_like {
        /// The liked article.
        #[sea_orm(entity = "super::article::Entity")]
        Article,
    }
);

with_relations!(
    /// `category`.
    category {
        /// The parent category.
        #[sea_orm(entity = "Entity", def = "Relation::Parent.def()")]
        Parent,
        /// The category's names per locale.
        #[sea_orm(entity = "super::category_translation::Entity")]
        Translations,
    }
);

with_relations!(
    /// `category_translation`.
    category_translation {
        /// The category this text belongs to.
        #[sea_orm(entity = "super::category::Entity")]
        Category,
    }
);

with_relations!(
    /// `tag`.
    tag {
        /// The tag's names per locale.
        #[sea_orm(entity = "super::tag_name::Entity")]
        Names,
        /// The articles it is on.
        #[sea_orm(entity = "super::article_tag::Entity")]
        ArticleTags,
    }
);

with_relations!(
    /// `tag_name`.
    tag_name {
        /// The tag named.
        #[sea_orm(entity = "super::tag::Entity")]
        Tag,
    }
);

with_relations!(
    /// `article_tag`.
    article_tag {
        /// The article tagged.
        #[sea_orm(entity = "super::article::Entity")]
        Article,
        /// The tag.
        #[sea_orm(entity = "super::tag::Entity")]
        Tag,
    }
);

with_relations!(
    /// `media`.
    media {
        /// The article it belongs to.
        #[sea_orm(entity = "super::article::Entity")]
        Article,
        /// Its captions and alt texts per locale.
        #[sea_orm(entity = "super::media_text::Entity")]
        Texts,
    }
);

with_relations!(
    /// `media_text`.
    media_text {
        /// The media item described.
        #[sea_orm(entity = "super::media::Entity")]
        Media,
    }
);
