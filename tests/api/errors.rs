//! Every error carries its `extensions.code`; every limit is enforced.

use serde_json::{json, Value};

use crate::helpers::{article_id, first_code, ArticleSpec, TestApp};

const INTROSPECTION: &str = include_str!("introspection.graphql");

#[tokio::test]
async fn a_document_that_does_not_parse_is_graphql_parse_failed() {
    let app = TestApp::spawn().await;
    let body = app.graphql("{ articles { nodes { title }", json!({})).await;
    assert_eq!(first_code(&body), "GRAPHQL_PARSE_FAILED");
}

#[tokio::test]
async fn an_unknown_field_is_graphql_validation_failed() {
    let app = TestApp::spawn().await;
    let body = app
        .graphql("{ articles { nodes { headline } } }", json!({}))
        .await;
    assert_eq!(first_code(&body), "GRAPHQL_VALIDATION_FAILED");
}

#[tokio::test]
async fn a_variable_of_the_wrong_type_is_refused() {
    let app = TestApp::spawn().await;
    let body = app
        .graphql(
            "query($n: Int) { articles(first: $n) { totalCount } }",
            json!({"n": "many"}),
        )
        .await;
    assert_eq!(first_code(&body), "GRAPHQL_VALIDATION_FAILED");
}

#[tokio::test]
async fn a_request_once_accepted_is_still_checked_with_other_variables() {
    let app = TestApp::spawn().await;
    let query = "query($n: Int, $a: String) { articles(first: $n, after: $a) { totalCount } }";
    // Accepted twice: the second time it runs on the copy that checks only the limits.
    for _ in 0..2 {
        let body = app.graphql(query, json!({"n": 5})).await;
        assert_eq!(body["data"]["articles"]["totalCount"], 0, "{body}");
    }
    let body = app.graphql(query, json!({"n": "many"})).await;
    assert_eq!(first_code(&body), "GRAPHQL_VALIDATION_FAILED");
    let body = app.graphql(query, json!({"n": 101})).await;
    assert_eq!(first_code(&body), "BAD_USER_INPUT");
    let body = app.graphql(query, json!({"n": 5, "a": "garbage"})).await;
    assert_eq!(first_code(&body), "BAD_USER_INPUT");
}

#[tokio::test]
async fn graphiqls_full_introspection_query_passes_every_limit() {
    let app = TestApp::spawn().await;
    let data = app.data(INTROSPECTION, json!({})).await;
    assert!(data["__schema"]["types"].as_array().unwrap().len() > 20);
}

#[tokio::test]
async fn a_query_nested_too_deep_is_too_complex() {
    let app = TestApp::spawn().await;
    let mut selection = "slug".to_owned();
    for _ in 0..14 {
        selection = format!("parent {{ {selection} }}");
    }
    let query = format!("{{ categories {{ children {{ children {{ {selection} }} }} }} }}");
    let body = app.graphql(&query, json!({})).await;
    assert_eq!(first_code(&body), "QUERY_TOO_COMPLEX");
    assert!(body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("deep"));
}

#[tokio::test]
async fn a_query_over_the_complexity_limit_is_too_complex() {
    let app = TestApp::spawn().await;
    let fields = "title summary body slug locale likeCount viewerHasLiked canonicalUrl copyright";
    let query = format!(
        "{{ articles(first: 100) {{ nodes {{ {fields} translations {{ title body }} related: category {{ name articles(first: 100) {{ nodes {{ title }} }} }} }} }} }}"
    );
    let body = app.graphql(&query, json!({})).await;
    assert_eq!(first_code(&body), "QUERY_TOO_COMPLEX");
}

#[tokio::test]
async fn too_many_aliases_are_too_complex() {
    let app = TestApp::spawn().await;
    let aliases: Vec<String> = (0..31)
        .map(|i| format!("a{i}: locales {{ code }}"))
        .collect();
    let body = app
        .graphql(&format!("{{ {} }}", aliases.join(" ")), json!({}))
        .await;
    assert_eq!(first_code(&body), "QUERY_TOO_COMPLEX");
    let fine: Vec<String> = (0..30)
        .map(|i| format!("a{i}: locales {{ code }}"))
        .collect();
    app.data(&format!("{{ {} }}", fine.join(" ")), json!({}))
        .await;
}

#[tokio::test]
async fn limits_follow_the_configuration() {
    let app = TestApp::spawn_with(|c| {
        c.max_depth = 3;
        c.max_complexity = 10_000;
    })
    .await;
    let body = app
        .graphql(
            "{ categories { children { children { slug } } } }",
            json!({}),
        )
        .await;
    assert_eq!(first_code(&body), "QUERY_TOO_COMPLEX");
    app.data("{ categories { children { slug } } }", json!({}))
        .await;
}

#[tokio::test]
async fn page_sizes_beyond_one_hundred_are_bad_user_input() {
    let app = TestApp::spawn().await;
    for args in ["first: 101", "last: 101", "first: -1", "first: 5, last: 5"] {
        let body = app
            .graphql(
                &format!("{{ articles({args}) {{ nodes {{ slug }} }} }}"),
                json!({}),
            )
            .await;
        assert_eq!(first_code(&body), "BAD_USER_INPUT", "{args}");
    }
    let body = app
        .graphql("{ mostLiked(first: 1000) { slug } }", json!({}))
        .await;
    assert_eq!(first_code(&body), "BAD_USER_INPUT");
    assert_eq!(body["errors"][0]["extensions"]["field"], "first");
    app.data("{ articles(first: 100) { nodes { slug } } }", json!({}))
        .await;
}

#[tokio::test]
async fn a_cursor_that_does_not_decode_is_bad_user_input() {
    let app = TestApp::spawn().await;
    for cursor in ["garbage!", "TDoxMjM", ""] {
        let body = app
            .graphql(
                "query($c: String) { articles(after: $c) { nodes { slug } } }",
                json!({ "c": cursor }),
            )
            .await;
        assert_eq!(first_code(&body), "BAD_USER_INPUT", "{cursor}");
    }
}

#[tokio::test]
async fn an_unknown_time_zone_is_bad_user_input_at_each_field_it_fails() {
    let app = TestApp::spawn().await;
    let cat = app.category("news", None).await;
    app.article(ArticleSpec::published("a", cat.id, 1)).await;
    app.article(ArticleSpec::published("b", cat.id, 2)).await;
    let body = app
        .graphql(
            r#"{ articles { nodes { slug publishedAt(timeZone: "Mars/Olympus") likeCount } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(first_code(&body), "BAD_USER_INPUT");
    assert_eq!(body["errors"][0]["extensions"]["field"], "timeZone");
    let mut paths: Vec<String> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].to_string())
        .collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            r#"["articles","nodes",0,"publishedAt"]"#,
            r#"["articles","nodes",1,"publishedAt"]"#,
        ],
        "{body}"
    );
    // The other fields of each article are still answered.
    assert_eq!(body["data"]["articles"]["nodes"][1]["slug"], "b", "{body}");
    assert_eq!(
        body["data"]["articles"]["nodes"][1]["likeCount"], 0,
        "{body}"
    );
}

/// The same query answered by `InOrder` and by async-graphql's own resolution (the second form
/// selects `__typename` twice, a repeated response key, which `InOrder` hands over).
async fn both_ways(app: &TestApp, selection: &str, variables: Value) -> (Value, Value) {
    // A directive on an article's own field hands the object to async-graphql; this one
    // stands beside, at the root, so that the articles are resolved in turn.
    let in_turn = format!(
        "query($flag: Boolean!) {{ {selection} locales @include(if: $flag) {{ code }} }} \
         fragment F on Article {{ slug likes: likeCount }}"
    );
    let concurrent = in_turn.replacen("__typename", "__typename __typename", 1);
    let mut answers = Vec::new();
    for query in [in_turn, concurrent] {
        let mut body = app.graphql(&query, variables.clone()).await;
        if let Some(errors) = body.get_mut("errors").and_then(Value::as_array_mut) {
            for error in errors.iter_mut() {
                error.as_object_mut().unwrap().remove("locations");
            }
            errors.sort_by_key(|e| e["path"].to_string());
        }
        // The second document asks for one field more, and costs one more.
        body.as_object_mut().unwrap().remove("extensions");
        answers.push(body);
    }
    let concurrent = answers.pop().unwrap();
    (answers.pop().unwrap(), concurrent)
}

#[tokio::test]
async fn objects_resolved_in_turn_answer_exactly_as_async_graphql_resolves_them() {
    let app = TestApp::spawn().await;
    let cat = app.category("news", None).await;
    app.article(ArticleSpec::published("a", cat.id, 1)).await;
    app.article(ArticleSpec::published("b", cat.id, 2)).await;
    for selection in [
        // A failing non-null field, in a single article and in a page.
        r#"article(slug: "a") { __typename ...F updatedAt(timeZone: "Mars/Olympus") title }"#,
        r#"articles { nodes { __typename ...F updatedAt(timeZone: "Mars/Olympus") title } }"#,
        // A failing nullable field.
        r#"articles { nodes { __typename ...F publishedAt(timeZone: "Mars/Olympus") title } }"#,
        // Fragments (spread, inline, on the type and on an interface) and aliases.
        r#"articles { nodes { __typename ... on Node { id } ...F headline: title ... on Article { locale } category { name } } }"#,
    ] {
        for flag in [true, false] {
            let (in_turn, concurrent) = both_ways(&app, selection, json!({ "flag": flag })).await;
            assert!(in_turn.get("data").is_some(), "{in_turn}");
            assert_eq!(in_turn, concurrent, "{selection} (flag {flag})");
        }
    }
    // What async-graphql 7.2 does with a failing non-null field, and so what both answer: the
    // field is left out of its object, with the error at its path.
    let (single, _) = both_ways(
        &app,
        r#"article(slug: "a") { __typename ...F updatedAt(timeZone: "Mars/Olympus") }"#,
        json!({ "flag": true }),
    )
    .await;
    assert_eq!(
        single["data"]["article"],
        json!({ "__typename": "Article", "slug": "a", "likes": 0 }),
        "{single}"
    );
    assert_eq!(single["errors"][0]["path"], json!(["article", "updatedAt"]));
    assert_eq!(first_code(&single), "BAD_USER_INPUT");
}

#[tokio::test]
async fn an_unknown_category_filter_is_bad_user_input() {
    let app = TestApp::spawn().await;
    let body = app
        .graphql(
            r#"{ articles(filter: {category: "nope"}) { nodes { slug } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(first_code(&body), "BAD_USER_INPUT");
    assert_eq!(body["errors"][0]["extensions"]["field"], "filter.category");
}

#[tokio::test]
async fn malformed_and_mismatched_ids_are_bad_user_input() {
    let app = TestApp::spawn().await;
    let cat = app.category("news", None).await;
    let category_id =
        newswire::graphql::ids::encode(newswire::graphql::ids::Kind::Category, cat.id).0;
    for (query, id) in [
        ("query($id: ID!) { node(id: $id) { id } }", "%%%"),
        (
            "query($id: ID) { article(id: $id) { slug } }",
            category_id.as_str(),
        ),
        (
            "mutation($id: ID!) { likeArticle(articleId: $id) { likeCount } }",
            "bm9wZQ",
        ),
    ] {
        let body = app.graphql(query, json!({ "id": id })).await;
        assert_eq!(first_code(&body), "BAD_USER_INPUT", "{query} {id}");
    }
}

#[tokio::test]
async fn article_needs_exactly_one_of_id_and_slug() {
    let app = TestApp::spawn().await;
    let body = app.graphql("{ article { slug } }", json!({})).await;
    assert_eq!(first_code(&body), "BAD_USER_INPUT");
}

#[tokio::test]
async fn internal_errors_are_masked_and_carry_the_request_id() {
    let app = TestApp::spawn().await;
    let cat = app.category("news", None).await;
    let article = app.article(ArticleSpec::published("a", cat.id, 1)).await;
    sea_orm::ConnectionTrait::execute_unprepared(&app.db, "DROP TABLE article_like")
        .await
        .unwrap();
    let reply = app
        .post(
            "query($id: ID!) { article(id: $id) { slug viewerHasLiked } }",
            json!({ "id": article_id(&article) }),
            &[("x-request-id", "req-internal-1")],
        )
        .await;
    let error = &reply.body["errors"][0];
    assert_eq!(error["extensions"]["code"], "INTERNAL_SERVER_ERROR");
    assert_eq!(error["extensions"]["requestId"], "req-internal-1");
    assert_eq!(error["message"], "internal server error");
    assert!(
        !reply.text.to_lowercase().contains("article_like"),
        "leaked: {}",
        reply.text
    );
    // Execution had begun (the like state is read with the article, at the root field), so
    // `data` is there, and null: not missing.
    let body = reply.body.as_object().unwrap();
    assert_eq!(body.get("data"), Some(&Value::Null), "{}", reply.text);
    assert_eq!(error["path"], json!(["article"]), "{}", reply.text);
}
