//! Enum values written as string literals in a document (`orderBy: "LATEST"`) are refused,
//! as the GraphQL specification says: only JSON variables carry enum values as strings.
//!
//! async-graphql 7 accepts a string literal wherever an enum is expected, because its
//! validation sees literals and variables alike. This check reads the document itself, with
//! the schema's [`Shape`], so it knows which strings were written in the text.

use std::collections::HashSet;

use async_graphql::{
    parser::types::{BaseType, ExecutableDocument, Selection, SelectionSet, Type},
    Pos, ServerError, Value,
};

use super::shape::{self, Shape};

/// Refuses the first enum value that `document` writes as a string literal, with a
/// validation error at its position: in any of its operations (validation checks them all) or
/// in a fragment they use.
pub fn check(shape: &Shape, document: &ExecutableDocument) -> Result<(), ServerError> {
    let mut walk = Walk {
        shape,
        document,
        visited: HashSet::new(),
    };
    for (_, operation) in document.operations.iter() {
        let operation = &operation.node;
        for variable in &operation.variable_definitions {
            let variable = &variable.node;
            if let Some(default) = &variable.default_value {
                walk.value(&default.node, &variable.var_type.node, default.pos)?;
            }
        }
        if let Some(root) = shape.root(operation.ty) {
            walk.selections(&operation.selection_set.node, root)?;
        }
    }
    Ok(())
}

/// One walk over a document, with the fragments already seen (a fragment is checked once,
/// against the type its condition names).
struct Walk<'a> {
    shape: &'a Shape,
    document: &'a ExecutableDocument,
    visited: HashSet<&'a str>,
}

impl<'a> Walk<'a> {
    fn selections(&mut self, set: &'a SelectionSet, parent: &str) -> Result<(), ServerError> {
        for item in &set.items {
            match &item.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    let Some(declared) = self.shape.field(parent, field.name.node.as_str()) else {
                        continue;
                    };
                    for (name, value) in &field.arguments {
                        if let Some(argument) = declared.arguments.get(name.node.as_str()) {
                            // Variables become null: their values come as JSON, where an
                            // enum value is a string.
                            let literal = shape::argument(field, name.node.as_str(), None)
                                .unwrap_or(Value::Null);
                            self.value(&literal, &argument.ty, value.pos)?;
                        }
                    }
                    self.selections(&field.selection_set.node, &declared.returns)?;
                }
                Selection::InlineFragment(fragment) => {
                    let fragment = &fragment.node;
                    let on = shape::fragment_type(fragment, parent);
                    self.selections(&fragment.selection_set.node, on)?;
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    if !self.visited.insert(name) {
                        continue;
                    }
                    if let Some((set, on)) = Shape::fragment(self.document, name) {
                        self.selections(set, on)?;
                    }
                }
            }
        }
        Ok(())
    }

    fn value(&self, value: &Value, ty: &Type, pos: Pos) -> Result<(), ServerError> {
        match (&ty.base, value) {
            (BaseType::List(inner), Value::List(items)) => {
                items.iter().try_for_each(|item| self.value(item, inner, pos))
            }
            (BaseType::List(inner), _) => self.value(value, inner, pos),
            (BaseType::Named(name), Value::String(text)) if self.shape.is_enum(name) => {
                Err(ServerError::new(
                    format!(
                        "Enum \"{name}\" cannot represent the string literal \"{text}\": write enum values without quotes, as in {text}"
                    ),
                    Some(pos),
                ))
            }
            (BaseType::Named(name), Value::Object(fields)) => {
                let Some(input) = self.shape.input(name) else {
                    return Ok(());
                };
                fields.iter().try_for_each(|(field, value)| {
                    input
                        .get(field.as_str())
                        .map_or(Ok(()), |ty| self.value(value, ty, pos))
                })
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(query: &str) -> Option<String> {
        let shape = Shape::from_sdl(&crate::graphql::sdl()).expect("the SDL parses");
        let document = async_graphql::parser::parse_query(query).expect("the query parses");
        check(&shape, &document).err().map(|e| e.message)
    }

    #[test]
    fn string_literals_for_enums_are_found_wherever_they_are_written() {
        for query in [
            r#"{ articles(orderBy: "LATEST") { totalCount } }"#,
            r#"{ articles(locales: ["JA"]) { totalCount } }"#,
            r#"{ articles(locales: "JA") { totalCount } }"#,
            r#"{ articles(filter: { availableIn: "JA" }) { totalCount } }"#,
            r#"{ categories { articles(orderBy: "OLDEST") { totalCount } } }"#,
            r#"{ ...F } fragment F on Query { mostLiked(window: "DAY") { id } }"#,
            r#"{ node(id: "x") { ... on Article { translation(locale: "KO") { title } } } }"#,
            r#"query($o: ArticleOrder = "LATEST") { articles(orderBy: $o) { totalCount } }"#,
        ] {
            assert!(refusal(query).is_some(), "{query}");
        }
    }

    #[test]
    fn enum_values_variables_and_string_arguments_pass() {
        for query in [
            r#"{ articles(orderBy: LATEST, locales: [JA], filter: { category: "kpop" }) { totalCount } }"#,
            r#"query($o: ArticleOrder) { articles(orderBy: $o) { totalCount } }"#,
            r#"{ article(slug: "LATEST") { id } __type(name: "Article") { name } }"#,
            r#"{ unknownField(orderBy: "LATEST") }"#,
        ] {
            assert_eq!(refusal(query), None, "{query}");
        }
    }
}
