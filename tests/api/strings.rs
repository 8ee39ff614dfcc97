//! Strings the database cannot hold (PostgreSQL refuses NUL in text) are bad input or no
//! match, never internal errors, through every string argument of the schema.
//!
//! The arguments are found by introspection, so a string argument added later without a
//! case here fails `every_string_argument_is_covered`.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use crate::{
    helpers::{article_id, category_id, ArticleSpec, Reply, TestApp},
    subscriptions::WsClient,
};

const NUL: &str = "a\u{0}b";

const SCHEMA: &str = r"{
  __schema {
    queryType { name }
    mutationType { name }
    types {
      name kind
      fields { name args { name type { ...Ref } } type { ...Ref } }
      inputFields { name type { ...Ref } }
    }
  }
}
fragment Ref on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }";

/// A type reference as GraphQL writes it (`[Locale!]!`).
fn render(ty: &Value) -> String {
    match ty["kind"].as_str().unwrap() {
        "NON_NULL" => format!("{}!", render(&ty["ofType"])),
        "LIST" => format!("[{}]", render(&ty["ofType"])),
        _ => ty["name"].as_str().unwrap().to_owned(),
    }
}

/// The named type under lists and non-nulls.
fn named(ty: &Value) -> &str {
    match ty["name"].as_str() {
        Some(name) => name,
        None => named(&ty["ofType"]),
    }
}

/// Every place a string goes in: `Type.field.argument[.inputField…]`.
fn string_inputs(schema: &Value) -> BTreeSet<String> {
    let types = schema["types"].as_array().unwrap();
    let mut out = BTreeSet::new();
    for ty in types {
        let type_name = ty["name"].as_str().unwrap();
        if type_name.starts_with("__") {
            continue;
        }
        for field in ty["fields"].as_array().into_iter().flatten() {
            for arg in field["args"].as_array().unwrap() {
                let path = format!(
                    "{type_name}.{}.{}",
                    field["name"].as_str().unwrap(),
                    arg["name"].as_str().unwrap()
                );
                strings_under(types, &arg["type"], path, &mut out);
            }
        }
    }
    out
}

/// The string places under an input of type `ty` at `path`.
fn strings_under(types: &[Value], ty: &Value, path: String, out: &mut BTreeSet<String>) {
    let name = named(ty);
    if matches!(name, "String" | "ID") {
        out.insert(path);
        return;
    }
    let def = types.iter().find(|t| t["name"] == name).unwrap();
    if def["kind"] == "INPUT_OBJECT" {
        for field in def["inputFields"].as_array().unwrap() {
            let field_path = format!("{path}.{}", field["name"].as_str().unwrap());
            strings_under(types, &field["type"], field_path, out);
        }
    }
}

/// The fixtures every case runs against.
struct Newsroom {
    app: TestApp,
    editor: String,
    admin: String,
    article: String,
    category: String,
    tag: String,
    other_tag: String,
    photo: String,
    partner_key: String,
}

async fn newsroom() -> Newsroom {
    let app = TestApp::spawn().await;
    let news = app.category("news", None).await;
    let story = app
        .article(ArticleSpec::published("story", news.id, 1))
        .await;
    let editor = app.api_key(entity::ApiRole::Editor).await;
    let admin = app.api_key(entity::ApiRole::Admin).await;
    let now = chrono::Utc::now();
    let tag = |slug: &str| newswire::domain::editorial::tags::NewTag {
        slug: slug.into(),
        kind: entity::TagKind::Group,
        names: vec![(entity::Locale::En, "Idol".into())],
    };
    let idol = newswire::domain::editorial::tags::create(&app.db, app.changes(), now, tag("idol"))
        .await
        .unwrap();
    let other =
        newswire::domain::editorial::tags::create(&app.db, app.changes(), now, tag("other"))
            .await
            .unwrap();
    newswire::domain::editorial::tags::set_article_tags(
        &app.db,
        app.changes(),
        now,
        story.id,
        &["idol".to_owned()],
    )
    .await
    .unwrap();
    let photo = newswire::domain::editorial::media::NewPhoto {
        url: "https://img.example.org/a.jpg".into(),
        width: 800,
        height: 600,
        credit: None,
        licence: None,
        texts: Vec::new(),
    };
    let (_, photo) = newswire::domain::editorial::media::attach_photo(
        &app.db,
        app.changes(),
        now,
        story.id,
        photo,
        None,
    )
    .await
    .unwrap();
    let partner =
        newswire::domain::api_keys::create(&app.db, now, "Partner", entity::ApiRole::Partner)
            .await
            .unwrap();
    use newswire::graphql::ids::{encode, Kind};
    Newsroom {
        partner_key: partner.key.id.to_string(),
        tag: encode(Kind::Tag, idol.id).0,
        other_tag: encode(Kind::Tag, other.id).0,
        photo: encode(Kind::Photo, photo.id).0,
        article: article_id(&story),
        category: category_id(&news),
        app,
        editor,
        admin,
    }
}

/// Valid arguments for each field with string arguments, so that a NUL put in one of them
/// is the request's only fault; and how to reach a field of a type below the root.
fn baseline(room: &Newsroom, field: &str) -> (Value, &'static str, &'static str) {
    let article = room.article.as_str();
    let category = room.category.as_str();
    let text =
        json!({ "locale": "EN", "title": "Title", "summary": "Summary", "body": "<p>Body</p>" });
    let texts = json!([{ "locale": "EN", "caption": "Caption", "alt": "Alt" }]);
    let photo = json!({
        "url": "https://img.example.org/a.jpg", "width": 800, "height": 600,
        "credit": "Desk", "licence": "CC BY", "texts": texts
    });
    let root = ("", "");
    let on_article = ("article(slug: \"story\") {", "}");
    let (args, (open, close)) = match field {
        "Query.article" => (json!({ "slug": "story" }), root),
        "Query.articles" | "Category.articles" => (
            json!({ "after": null, "before": null, "filter": { "category": "news" } }),
            if field == "Query.articles" {
                root
            } else {
                ("category(slug: \"news\") {", "}")
            },
        ),
        "Query.category" => (json!({ "slug": "news" }), root),
        "Query.mostLiked" => (json!({ "category": "news" }), root),
        "Query.node" => (json!({ "id": article }), root),
        "Article.publishedAt" | "Article.updatedAt" => (json!({ "timeZone": "UTC" }), on_article),
        "ArticleTranslation.updatedAt" => (
            json!({ "timeZone": "UTC" }),
            ("article(slug: \"story\") { translations {", "} }"),
        ),
        "Mutation.likeArticle" | "Mutation.unlikeArticle" => {
            (json!({ "articleId": article }), root)
        }
        "Mutation.createArticle" => (
            json!({ "input": {
                "slug": "fresh", "category": "news", "text": text,
                "byline": "Desk", "sourceUrl": "https://press.example.org/a"
            } }),
            root,
        ),
        "Mutation.updateArticle" => (
            json!({ "id": article, "input": {
                "slug": "renamed", "category": "news", "byline": "Desk",
                "sourceUrl": "https://press.example.org/b"
            } }),
            root,
        ),
        "Mutation.upsertArticleTranslation" => (json!({ "id": article, "input": text }), root),
        "Mutation.deleteArticleTranslation" => (json!({ "id": article, "locale": "JA" }), root),
        "Mutation.publishArticle"
        | "Mutation.unpublishArticle"
        | "Mutation.archiveArticle"
        | "Mutation.deleteArticle" => (json!({ "id": article }), root),
        "Mutation.createCategory" => (
            json!({ "input": {
                "slug": "fresh-section", "parent": "news",
                "names": [{ "locale": "EN", "name": "Fresh", "description": "New" }]
            } }),
            root,
        ),
        "Mutation.updateCategory" => (
            json!({ "id": category, "input": { "slug": "renamed-section", "parent": null } }),
            root,
        ),
        "Mutation.upsertCategoryTranslation" => (
            json!({ "id": category, "input": { "locale": "JA", "name": "ニュース", "description": "説明" } }),
            root,
        ),
        "Mutation.deleteCategory" => (json!({ "id": category }), root),
        "Mutation.createApiKey" => (
            json!({ "input": { "name": "Partner", "role": "PARTNER" } }),
            root,
        ),
        "Mutation.revokeApiKey" => (json!({ "id": "1" }), root),
        "Query.tag" => (json!({ "slug": "idol" }), root),
        "Query.tags" => (json!({ "after": null }), root),
        "Query.search" => (
            json!({ "query": "story", "after": null, "filter": { "category": "news" } }),
            root,
        ),
        "Tag.articles" => (
            json!({ "after": null, "before": null }),
            ("tag(slug: \"idol\") {", "}"),
        ),
        "Mutation.attachPhoto" | "Mutation.setCoverImage" => {
            (json!({ "articleId": article, "input": photo }), root)
        }
        "Mutation.attachVideo" => (
            json!({ "articleId": article, "input": {
                "provider": "YOUTUBE", "externalId": "dQw4w9WgXcQ", "credit": "Desk",
                "licence": "CC BY", "texts": texts, "thumbnail": photo
            } }),
            root,
        ),
        "Mutation.updateMedia" => (
            json!({ "id": room.photo, "input": {
                "url": "https://img.example.org/b.jpg", "credit": "Desk", "licence": "CC BY",
                "texts": texts
            } }),
            root,
        ),
        "Mutation.reorderMedia" => (
            json!({ "articleId": article, "mediaIds": [room.photo] }),
            root,
        ),
        "Mutation.detachMedia" => (json!({ "id": room.photo }), root),
        "Mutation.createTag" => (
            json!({ "input": { "slug": "fresh-tag", "kind": "TOPIC", "names": [{ "locale": "EN", "name": "Fresh" }] } }),
            root,
        ),
        "Mutation.updateTag" => (
            json!({ "id": room.tag, "input": { "slug": "renamed-tag", "names": [{ "locale": "JA", "name": "新" }] } }),
            root,
        ),
        "Mutation.mergeTags" => (
            json!({ "sourceId": room.tag, "targetId": room.other_tag }),
            root,
        ),
        "Mutation.setArticleTags" => (json!({ "articleId": article, "tags": ["idol"] }), root),
        "Mutation.setArticleRights" => (
            json!({ "id": article, "input": { "credit": "Newswire / Seoul desk" } }),
            root,
        ),
        "Mutation.setLicence" => (
            json!({ "keyId": room.partner_key, "input": {
                "locales": ["EN"], "categories": [{ "slug": "news" }]
            } }),
            root,
        ),
        "Query.changes" => (json!({ "since": null }), root),
        "Subscription.articlePublished" => (json!({ "category": "news", "tag": "idol" }), root),
        "Subscription.likeCountChanged" => (json!({ "articleId": article }), root),
        other => panic!("no baseline for {other}: add one to tests/api/strings.rs"),
    };
    (args, open, close)
}

/// Puts a NUL string at `path` (argument, then input fields) in `args`; in a list of input
/// objects, into each of them.
fn poison(args: &mut Value, path: &[&str]) {
    match (path, args) {
        ([], slot) => *slot = json!(NUL),
        (path, Value::Array(items)) => items.iter_mut().for_each(|item| poison(item, path)),
        ([key, rest @ ..], Value::Object(map)) => {
            let slot = map.entry((*key).to_owned()).or_insert(Value::Null);
            if slot.is_null() && !rest.is_empty() {
                *slot = json!({});
            }
            poison(slot, rest);
        }
        (path, other) => panic!("cannot reach {path:?} in {other}"),
    }
}

/// The document that calls `field` with every argument as a variable.
fn document(schema: &Value, ty: &str, field: &str, open: &str, close: &str) -> String {
    let def = schema["types"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == ty)
        .unwrap();
    let field_def = def["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == field)
        .unwrap();
    let args = field_def["args"].as_array().unwrap();
    let variables: Vec<String> = args
        .iter()
        .map(|a| format!("${}: {}", a["name"].as_str().unwrap(), render(&a["type"])))
        .collect();
    let passed: Vec<String> = args
        .iter()
        .map(|a| format!("{0}: ${0}", a["name"].as_str().unwrap()))
        .collect();
    let returns = named(&field_def["type"]);
    let leaf = matches!(returns, "String" | "DateTime" | "Int" | "Boolean" | "ID");
    let selection = if leaf { "" } else { "{ __typename }" };
    let operation = match ty {
        "Mutation" => "mutation",
        "Subscription" => "subscription",
        _ => "query",
    };
    format!(
        "{operation}({}) {{ {open} {field}({}) {selection} {close} }}",
        variables.join(", "),
        passed.join(", ")
    )
}

#[tokio::test]
async fn every_string_argument_is_covered() {
    let room = newsroom().await;
    let schema = room.app.data(SCHEMA, json!({})).await["__schema"].clone();
    let inputs = string_inputs(&schema);
    assert!(inputs.len() > 30, "{inputs:?}");
    for path in &inputs {
        let parts: Vec<&str> = path.split('.').collect();
        baseline(&room, &format!("{}.{}", parts[0], parts[1]));
    }
}

#[tokio::test]
async fn a_nul_in_any_string_argument_is_a_clean_answer_and_writes_nothing() {
    let room = newsroom().await;
    let app = &room.app;
    let schema = app.data(SCHEMA, json!({})).await["__schema"].clone();
    let before = app.fingerprint().await;
    for path in string_inputs(&schema) {
        let parts: Vec<&str> = path.split('.').collect();
        let (ty, field) = (parts[0], parts[1]);
        let (mut args, open, close) = baseline(&room, &format!("{ty}.{field}"));
        poison(&mut args, &parts[2..]);
        let query = document(&schema, ty, field, open, close);
        let secret = if field.contains("ApiKey") || field == "setLicence" {
            &room.admin
        } else {
            &room.editor
        };
        // The change feed needs a key; subscriptions go over a WebSocket, where the first
        // result of a refused one carries its errors.
        let reply = if ty == "Subscription" {
            let address = app.listen().await;
            let mut client = WsClient::ready(address, json!({})).await;
            client.subscribe("1", &query, args.clone()).await;
            let payload = client.next_of("1").await;
            Reply {
                status: axum::http::StatusCode::OK,
                headers: Default::default(),
                text: payload.to_string(),
                raw: Vec::new(),
                body: payload,
            }
        } else if ty == "Mutation" || field == "changes" {
            app.post_as(secret, &query, args.clone()).await
        } else {
            app.post(&query, args.clone(), &[]).await
        };
        let body = &reply.body;
        let errors = body["errors"].as_array().cloned().unwrap_or_default();
        let codes: Vec<&str> = errors
            .iter()
            .map(|e| e["extensions"]["code"].as_str().unwrap_or("none"))
            .collect();
        let lookup = matches!(
            path.as_str(),
            "Query.article.slug" | "Query.category.slug" | "Query.tag.slug"
        );
        // Search text is data: a NUL in it is searched for like any other character.
        let searched = path.ends_with(".filter.search") || path == "Query.search.query";
        // `Category.articles` documents that it ignores `filter.category`.
        if path == "Category.articles.filter.category" || searched {
            assert!(errors.is_empty(), "{path}: {}", reply.text);
        } else if lookup {
            assert!(errors.is_empty(), "{path}: {}", reply.text);
            assert_eq!(body["data"][field], Value::Null, "{path}: {}", reply.text);
        } else {
            // One error per object the argument reached (each translation, say).
            assert!(
                !codes.is_empty() && codes.iter().all(|c| *c == "BAD_USER_INPUT"),
                "{path}: {}",
                reply.text
            );
            assert!(
                errors[0]["extensions"]["field"].is_string(),
                "{path} names no field: {}",
                reply.text
            );
        }
        assert_eq!(app.fingerprint().await, before, "{path} wrote something");
    }
}
