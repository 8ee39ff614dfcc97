//! Responses list fields in the order the query asked for them, as the GraphQL spec says
//! they should. async-graphql 7.2 assembles an object's fields as they finish resolving, so
//! [`restore`] puts each object's keys back in the order of the request's document. Objects
//! already in order (most of them) are left as they are.

use std::collections::HashMap;

use async_graphql::{
    parser::types::{ExecutableDocument, FragmentDefinition, Selection, SelectionSet},
    Name, Positioned, Value,
};

type Fragments = HashMap<Name, Positioned<FragmentDefinition>>;

/// Response keys of an object in query order, each with the selection sets merged under it.
type Plan<'a> = Vec<(&'a Name, Vec<&'a SelectionSet>)>;

/// Puts the keys of every object in `data` in the order the operation `operation_name` of
/// `document` selects them.
pub fn restore(data: &mut Value, document: &ExecutableDocument, operation_name: Option<&str>) {
    let operation = document
        .operations
        .iter()
        .find(|(name, _)| name.map(|n| n.as_str()) == operation_name)
        .or_else(|| document.operations.iter().next());
    if let Some((_, operation)) = operation {
        reorder(
            data,
            &[&operation.node.selection_set.node],
            &document.fragments,
        );
    }
}

fn collect<'a>(set: &'a SelectionSet, fragments: &'a Fragments, plan: &mut Plan<'a>, depth: usize) {
    // Fragment cycles are refused by validation; the bound only guards the recursion.
    if depth > 64 {
        return;
    }
    for item in &set.items {
        match &item.node {
            Selection::Field(field) => {
                let key = &field.node.response_key().node;
                let child = &field.node.selection_set.node;
                match plan.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, sets)) => sets.push(child),
                    None => plan.push((key, vec![child])),
                }
            }
            Selection::FragmentSpread(spread) => {
                if let Some(fragment) = fragments.get(&spread.node.fragment_name.node) {
                    collect(
                        &fragment.node.selection_set.node,
                        fragments,
                        plan,
                        depth + 1,
                    );
                }
            }
            Selection::InlineFragment(inline) => {
                collect(&inline.node.selection_set.node, fragments, plan, depth + 1);
            }
        }
    }
}

/// Orders `value`, selected by `sets`; the plan is worked out once for all items of a list.
fn reorder(value: &mut Value, sets: &[&SelectionSet], fragments: &Fragments) {
    if !matches!(value, Value::Object(_) | Value::List(_)) {
        return;
    }
    let mut plan = Vec::new();
    for set in sets {
        collect(set, fragments, &mut plan, 0);
    }
    apply(value, &plan, fragments);
}

fn apply(value: &mut Value, plan: &Plan<'_>, fragments: &Fragments) {
    match value {
        Value::Object(map) => {
            let in_order = map
                .keys()
                .zip(plan.iter().filter(|(key, _)| map.contains_key(*key)))
                .all(|(a, (b, _))| a == *b);
            if !in_order {
                map.sort_by_cached_key(|key, _| {
                    plan.iter()
                        .position(|(k, _)| *k == key)
                        .unwrap_or(usize::MAX)
                });
            }
            for (key, child_sets) in plan {
                if let Some(child) = map.get_mut(*key) {
                    reorder(child, child_sets, fragments);
                }
            }
        }
        Value::List(items) => {
            for item in items {
                apply(item, plan, fragments);
            }
        }
        _ => {}
    }
}
