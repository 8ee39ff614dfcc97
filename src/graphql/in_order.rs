//! Objects whose fields are resolved one after another, in the order the query asks for them.
//!
//! async-graphql resolves each field of an object as a boxed future of its own and runs them
//! together. A page's articles are twenty objects of a dozen fields each, and the root field
//! that listed them has already fetched their nested data (see `prefetch`), so nearly every
//! field is ready at once and that machinery costs more than the resolvers themselves.
//! [`InOrder`] resolves such an object's fields in turn, with no future per field, and answers
//! them in query order. Fields that may wait (on a statement or a loader's batch) would wait
//! one after another, so a selection with two or more of them goes to async-graphql's
//! concurrent resolution, as does one it does not plan for (a custom directive, a response key
//! selected twice). The schema installs no extensions (see [`super::builder`]), so no
//! per-field hook is passed over.
//!
//! This reads the selection through async-graphql's hidden context fields; it follows the
//! 7.2 series of that crate.

use std::borrow::Cow;

use async_graphql::{
    indexmap::IndexMap,
    parser::types::{Field, Selection, SelectionSet},
    registry::Registry,
    ContainerType, ContextSelectionSet, OutputType, Positioned, ServerResult, Value,
};

/// An object type whose fields [`InOrder`] can resolve in turn.
pub trait InTurn: ContainerType {
    /// The fields that may wait on the database, once the root field that made the object has
    /// fetched what it prefetches.
    const WAITING: &'static [&'static str];
}

/// An object of type `T` resolved field after field. Its GraphQL type is `T`'s.
pub struct InOrder<T>(pub T);

impl<T: InTurn> OutputType for InOrder<T> {
    fn type_name() -> Cow<'static, str> {
        T::type_name()
    }

    fn qualified_type_name() -> String {
        T::qualified_type_name()
    }

    fn introspection_type_name(&self) -> Cow<'static, str> {
        self.0.introspection_type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        T::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        let type_name = self.0.introspection_type_name();
        let mut fields = Vec::with_capacity(ctx.item.node.items.len());
        if !plan(ctx, &ctx.item.node, &type_name, &mut fields)
            || fields
                .iter()
                .filter(|f| T::WAITING.contains(&f.node.name.node.as_str()))
                .nth(1)
                .is_some()
        {
            return self.0.resolve(ctx, field).await;
        }
        let mut object = IndexMap::with_capacity(fields.len());
        for field in fields {
            let key = field.node.response_key().node.clone();
            if field.node.name.node == "__typename" {
                object.insert(key, Value::String(type_name.clone().into_owned()));
                continue;
            }
            match self.0.resolve_field(&ctx.with_field(field)).await {
                Ok(value) => {
                    object.insert(key, value.unwrap_or_default());
                }
                Err(error) => ctx.add_error(error),
            }
        }
        Ok(if object.is_empty() {
            Value::Null
        } else {
            Value::Object(object)
        })
    }
}

/// Adds to `fields` the fields of `set` that an object of type `type_name` answers, with the
/// fragments that apply to it flattened in place. False when the selection needs
/// async-graphql's own resolution: a field with a directive left after `@skip` and
/// `@include` were applied, a response key selected twice (whose selections merge), or an
/// unknown fragment (which async-graphql reports).
fn plan<'a>(
    ctx: &ContextSelectionSet<'a>,
    set: &'a SelectionSet,
    type_name: &str,
    fields: &mut Vec<&'a Positioned<Field>>,
) -> bool {
    for selection in &set.items {
        let (condition, inner) = match &selection.node {
            Selection::Field(field) => {
                let key = &field.node.response_key().node;
                if !field.node.directives.is_empty()
                    || fields.iter().any(|f| f.node.response_key().node == *key)
                {
                    return false;
                }
                fields.push(field);
                continue;
            }
            Selection::FragmentSpread(spread) => {
                let Some(fragment) = ctx.query_env.fragments.get(&spread.node.fragment_name.node)
                else {
                    return false;
                };
                (
                    Some(&fragment.node.type_condition.node.on.node),
                    &fragment.node.selection_set.node,
                )
            }
            Selection::InlineFragment(fragment) => (
                fragment
                    .node
                    .type_condition
                    .as_ref()
                    .map(|condition| &condition.node.on.node),
                &fragment.node.selection_set.node,
            ),
        };
        let applies = condition.is_none_or(|on| {
            on == type_name
                || ctx
                    .schema_env
                    .registry
                    .implements
                    .get(type_name)
                    .is_some_and(|interfaces| interfaces.contains(on.as_str()))
        });
        if applies && !plan(ctx, inner, type_name, fields) {
            return false;
        }
    }
    true
}
