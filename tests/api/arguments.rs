//! Arguments as the contract declares them: enum values are enums, and an argument that is
//! nullable with a default takes its default when a client passes an explicit null.

use serde_json::json;

use crate::helpers::{first_code, hours_ago, ArticleSpec, TestApp};

#[tokio::test]
async fn string_literals_where_enums_are_expected_fail_validation() {
    let app = TestApp::spawn().await;
    for query in [
        r#"{ articles(locales: ["JA"]) { totalCount } }"#,
        r#"{ articles(orderBy: "LATEST") { totalCount } }"#,
        r#"{ articles(filter: { availableIn: "EN" }) { totalCount } }"#,
        r#"{ mostLiked(window: "DAY") { id } }"#,
        r#"{ categories { articles(orderBy: "OLDEST") { totalCount } } }"#,
        r#"query Q { ...Page } fragment Page on Query { articles(orderBy: "OLDEST") { totalCount } }"#,
    ] {
        let body = app.graphql(query, json!({})).await;
        assert_eq!(
            first_code(&body),
            "GRAPHQL_VALIDATION_FAILED",
            "{query}: {body}"
        );
        assert!(body.get("data").is_none(), "{body}");
        let message = body["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains("string literal"), "{message}");
        assert!(
            body["errors"][0]["locations"][0]["line"].is_number(),
            "{body}"
        );
    }
}

#[tokio::test]
async fn enum_values_as_literals_and_as_json_strings_in_variables_are_accepted() {
    let app = TestApp::spawn().await;
    let literal = app
        .data(
            "{ articles(locales: [JA], orderBy: LATEST, filter: { availableIn: EN }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(literal["articles"]["totalCount"], 0);
    let variables = app
        .data(
            "query($l: [Locale!], $o: ArticleOrder, $w: LikeWindow) {
               articles(locales: $l, orderBy: $o) { totalCount }
               mostLiked(window: $w) { id }
             }",
            json!({ "l": ["JA"], "o": "OLDEST", "w": "DAY" }),
        )
        .await;
    assert_eq!(variables["articles"]["totalCount"], 0);
    // A string that names no value is still refused in a variable.
    let body = app
        .graphql(
            "query($o: ArticleOrder) { articles(orderBy: $o) { totalCount } }",
            json!({ "o": "SIDEWAYS" }),
        )
        .await;
    assert_eq!(first_code(&body), "GRAPHQL_VALIDATION_FAILED");
}

/// The schema as the contract declares it: nullable, with a default.
#[tokio::test]
async fn defaulted_arguments_are_nullable_in_the_schema() {
    let sdl = newswire::graphql::sdl();
    for declared in [
        "orderBy: ArticleOrder = LATEST",
        "window: LikeWindow = WEEK",
        "first: Int = 10",
        "includeSubcategories: Boolean = true",
    ] {
        assert!(sdl.contains(declared), "{declared} is not in the schema");
    }
    assert!(!sdl.contains("ArticleOrder! = LATEST"));
}

#[tokio::test]
async fn an_explicit_null_takes_the_default() {
    let app = TestApp::spawn().await;
    let kpop = app.category("kpop", None).await;
    let concerts = app.category("kpop-concerts", Some(kpop.id)).await;
    // Twelve stories liked three days ago: in the default window (a week), not in a day's.
    for i in 0..12i64 {
        let story = app
            .article(ArticleSpec::published(
                &format!("story-{i:02}"),
                kpop.id,
                i + 1,
            ))
            .await;
        app.like_at(&story, "reader-one", hours_ago(72)).await;
    }
    app.article(ArticleSpec::published("encore", concerts.id, 30))
        .await;
    let day = app
        .data("{ mostLiked(window: DAY) { slug } }", json!({}))
        .await;
    assert_eq!(day["mostLiked"], json!([]));

    let defaulted = app
        .data(
            r#"{
                articles(orderBy: null) { nodes { slug } }
                latest: articles { nodes { slug } }
                mostLiked(window: null, first: null) { slug }
                week: mostLiked { slug }
                inSection: articles(filter: { category: "kpop", includeSubcategories: null }) { totalCount }
                category(slug: "kpop") { articles(orderBy: null) { nodes { slug } } }
            }"#,
            json!({}),
        )
        .await;
    assert_eq!(defaulted["articles"], defaulted["latest"]);
    assert_eq!(defaulted["articles"]["nodes"][0]["slug"], "story-00");
    assert_eq!(defaulted["mostLiked"].as_array().unwrap().len(), 10);
    assert_eq!(defaulted["mostLiked"], defaulted["week"]);
    assert_eq!(
        defaulted["inSection"]["totalCount"], 13,
        "subcategories included"
    );
    assert_eq!(
        defaulted["category"]["articles"]["nodes"],
        defaulted["articles"]["nodes"]
    );

    // The same through variables that are null or missing.
    let variables = app
        .data(
            "query($o: ArticleOrder, $w: LikeWindow, $n: Int, $s: Boolean) {
               articles(orderBy: $o, filter: { category: \"kpop\", includeSubcategories: $s }) { totalCount nodes { slug } }
               mostLiked(window: $w, first: $n) { slug }
             }",
            json!({ "o": null, "w": null, "n": null }),
        )
        .await;
    assert_eq!(variables["articles"]["totalCount"], 13);
    assert_eq!(variables["articles"]["nodes"], defaulted["latest"]["nodes"]);
    assert_eq!(variables["mostLiked"], defaulted["week"]);
}
