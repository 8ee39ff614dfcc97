//! Responses list fields in the order the query asked for them, as the GraphQL spec says
//! they should. async-graphql 7.2 assembles an object's fields as they finish resolving, so
//! this extension keeps the request's document and puts each object's keys back in order.

use std::sync::{Arc, Mutex};

use async_graphql::{
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery},
    parser::types::{ExecutableDocument, FragmentDefinition, Selection, SelectionSet},
    Name, Positioned, Response, ServerResult, Value, Variables,
};
use indexmap::IndexMap;

/// Installs [`FieldOrderExtension`] on a schema.
pub struct FieldOrder;

impl ExtensionFactory for FieldOrder {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(FieldOrderExtension::default())
    }
}

/// Remembers the request's document, then orders the response by it.
#[derive(Default)]
struct FieldOrderExtension {
    document: Mutex<Option<ExecutableDocument>>,
}

type Fragments = std::collections::HashMap<Name, Positioned<FragmentDefinition>>;

/// Response keys of `set` in query order, each with the selection sets merged under it.
fn collect<'a>(
    set: &'a SelectionSet,
    fragments: &'a Fragments,
    order: &mut Vec<(Name, Vec<&'a SelectionSet>)>,
    depth: usize,
) {
    // Fragment cycles are refused by validation; the bound only guards the recursion.
    if depth > 64 {
        return;
    }
    for item in &set.items {
        match &item.node {
            Selection::Field(field) => {
                let key = field.node.response_key().node.clone();
                let child = &field.node.selection_set.node;
                match order.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, sets)) => sets.push(child),
                    None => order.push((key, vec![child])),
                }
            }
            Selection::FragmentSpread(spread) => {
                if let Some(fragment) = fragments.get(&spread.node.fragment_name.node) {
                    collect(
                        &fragment.node.selection_set.node,
                        fragments,
                        order,
                        depth + 1,
                    );
                }
            }
            Selection::InlineFragment(inline) => {
                collect(&inline.node.selection_set.node, fragments, order, depth + 1);
            }
        }
    }
}

fn reorder(value: Value, sets: &[&SelectionSet], fragments: &Fragments) -> Value {
    match value {
        Value::Object(mut map) => {
            let mut order = Vec::new();
            for set in sets {
                collect(set, fragments, &mut order, 0);
            }
            let mut ordered = IndexMap::with_capacity(map.len());
            for (key, child_sets) in order {
                if let Some(child) = map.shift_remove(&key) {
                    ordered.insert(key, reorder(child, &child_sets, fragments));
                }
            }
            ordered.extend(map);
            Value::Object(ordered)
        }
        Value::List(items) => Value::List(
            items
                .into_iter()
                .map(|item| reorder(item, sets, fragments))
                .collect(),
        ),
        other => other,
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for FieldOrderExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        if let Ok(mut slot) = self.document.lock() {
            *slot = Some(document.clone());
        }
        Ok(document)
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let mut response = next.run(ctx, operation_name).await;
        let document = self.document.lock().ok().and_then(|mut slot| slot.take());
        if let Some(document) = document {
            let operation = document
                .operations
                .iter()
                .find(|(name, _)| name.map(|n| n.as_str()) == operation_name)
                .or_else(|| document.operations.iter().next());
            if let Some((_, operation)) = operation {
                let data = std::mem::take(&mut response.data);
                response.data = reorder(
                    data,
                    &[&operation.node.selection_set.node],
                    &document.fragments,
                );
            }
        }
        response
    }
}
