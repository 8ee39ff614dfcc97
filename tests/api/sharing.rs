//! What an SPA needs for share links and search engines: `hreflang` alternates and Open Graph
//! values, in the served language, for a page of articles at a fixed statement cost.

use entity::Locale;
use serde_json::json;

use crate::helpers::{ArticleSpec, TestApp};

#[tokio::test]
async fn every_language_edition_has_its_alternate_and_the_card_speaks_the_served_one() {
    let app = TestApp::spawn().await;
    let cat = app.category("kpop", None).await;
    let mut spec = ArticleSpec::published("lantern-rain", cat.id, 1);
    spec.translations = vec![Locale::Ko, Locale::ZhHant, Locale::En];
    app.article(spec).await;
    let data = app
        .data(
            r#"{ article(slug: "lantern-rain", locales: [JA, ZH_HANT]) {
                locale canonicalUrl
                alternates { locale hreflang url }
                openGraph { title description url locale alternateLocales siteName type }
            } }"#,
            json!({}),
        )
        .await;
    let article = &data["article"];
    assert_eq!(article["locale"], "ZH_HANT");
    let site = "http://localhost:8000";
    assert_eq!(
        article["alternates"],
        json!([
            { "locale": "KO", "hreflang": "ko", "url": format!("{site}/ko/articles/lantern-rain") },
            { "locale": "EN", "hreflang": "en", "url": format!("{site}/en/articles/lantern-rain") },
            { "locale": "ZH_HANT", "hreflang": "zh-Hant", "url": format!("{site}/zh-Hant/articles/lantern-rain") },
        ])
    );
    assert_eq!(
        article["openGraph"],
        json!({
            "title": "lantern-rain [zh-Hant]",
            "description": "summary zh-Hant",
            "url": article["canonicalUrl"],
            "locale": "zh_TW",
            "alternateLocales": ["ko_KR", "en_US"],
            "siteName": "newswire",
            "type": "article",
        })
    );
}

#[tokio::test]
async fn without_the_response_cache_alternates_and_cards_cost_the_same_statements_for_any_page_size(
) {
    let app = TestApp::spawn_with(|c| c.response_cache_ttl_ms = 0).await;
    let cat = app.category("news", None).await;
    for i in 0..20 {
        app.article(ArticleSpec::published(&format!("a{i}"), cat.id, i + 1))
            .await;
    }
    let mut counts = Vec::new();
    for first in [1, 5, 20] {
        app.take_statements();
        let data = app
            .data(
                r#"query($n: Int) { articles(first: $n, locales: [EN]) { nodes { slug alternates { url } openGraph { title locale } } } }"#,
                json!({ "n": first }),
            )
            .await;
        let nodes = data["articles"]["nodes"].as_array().unwrap();
        assert_eq!(nodes.len(), first);
        assert_eq!(nodes[0]["alternates"].as_array().unwrap().len(), 2);
        assert_eq!(nodes[0]["openGraph"]["locale"], "en_US");
        counts.push(app.take_statements());
    }
    // The page, then every article's headlines in one statement, and their media (for
    // `og:image`) in another; none of them has any, so no texts of media are read.
    assert_eq!(counts, [3, 3, 3], "statements for first 1, 5 and 20");
}
