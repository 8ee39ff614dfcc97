#!/usr/bin/env python3
"""Writes the request bodies of the benchmark, reading cursors and slugs from a running server.

Usage: prepare.py URL OUT_DIR

Each body is checked once: a body whose response carries GraphQL errors stops the run.
"""
import json
import sys
import urllib.request

URL, OUT = sys.argv[1], sys.argv[2]

NODE = "id slug title summary locale publishedAt likeCount viewerHasLiked category { slug name }"
HOME = f"query Home {{ articles(first: 20, locales: [JA]) {{ nodes {{ {NODE} }} pageInfo {{ hasNextPage endCursor }} }} }}"
# The home page with each article's cover photo and tags.
HOME_MEDIA = (
    f"query HomeMedia {{ articles(first: 20, locales: [JA]) {{ nodes {{ {NODE} "
    "coverImage { url width height alt } tags { slug name } } pageInfo { hasNextPage endCursor } } }"
)
CATEGORY = (
    "query Category($after: String) { category(slug: \"syn-kpop\", locales: [JA]) { name "
    f"articles(first: 20, after: $after) {{ nodes {{ {NODE} }} pageInfo {{ hasNextPage endCursor }} }} }} }}"
)
DEEP = (
    "query Deep($after: String) { articles(first: 20, after: $after, locales: [JA]) "
    f"{{ nodes {{ {NODE} }} pageInfo {{ hasNextPage endCursor }} }} }}"
)
ARTICLE = (
    "query Article($slug: String!) { article(slug: $slug, locales: [JA]) { id slug title summary body "
    "locale originalLocale availableLocales publishedAt updatedAt byline canonicalUrl copyright likeCount "
    "viewerHasLiked category { slug name parent { name } } translations { locale title summary body isOriginal } } }"
)
# An article page: text, cover, media list, tags and related articles.
ARTICLE_PAGE = (
    "query ArticlePage($slug: String!) { article(slug: $slug, locales: [JA]) { title body publishedAt "
    "category { name } coverImage { url width height alt caption credit } "
    "media { __typename ... on Photo { url width height caption } "
    "... on Video { provider externalId embedUrl thumbnail { url } caption } } "
    "tags { slug name kind } related(first: 5) { slug title coverImage { url } } } }"
)
SEARCH = "query Search($q: String!) { search(query: $q, first: 10) { edges { score snippet node { slug title } } } }"
# Search queries per script, from the synthetic seeder's phrases (src/seed/synthetic.rs): a
# subject's name and a word of one predicate, both only in that language's text. A translation
# has one of six subjects and one of six predicates, so each query matches about 1/36 of that
# language's translations: about 2% of the articles for Korean (three in four articles have a
# Korean text), about 1.3% for the others (a bit under one in two), if the words of a query must
# all be in the same translation.
SEARCHES = {
    "ko": ["스텔라웨이브 컴백", "한서윤 팬미팅", "민도현 월드투어"],
    "ja": ["ステラウェーブ カムバック", "ソユン ファンミーティング", "ドヒョン ワールドツアー"],
    "th": ["สเตลลาเวฟ คัมแบ็ก", "ฮันซอยุน แฟนมีตติ้ง", "มินโดฮยอน เวิลด์ทัวร์"],
    "en": ["Harbour budget", "council meeting", "singer tour"],
}
MOST_LIKED = (
    "query MostLiked { mostLiked(window: WEEK, first: 10, locales: [JA]) "
    "{ id slug title likeCount viewerHasLiked category { name } } }"
)
LIKE = "mutation Like($id: ID!) { likeArticle(articleId: $id) { likeCount viewerHasLiked } }"


def post(query, variables=None):
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    request = urllib.request.Request(
        URL, body, {"content-type": "application/json", "x-client-id": "bench-prepare"}
    )
    with urllib.request.urlopen(request) as response:
        reply = json.load(response)
    if "errors" in reply:
        sys.exit(f"the benchmark query failed: {reply['errors']}")
    return reply["data"]


def write(name, query, variables=None):
    post(query, variables)
    with open(f"{OUT}/{name}.json", "w") as f:
        json.dump({"query": query, "variables": variables or {}}, f)


def walk(query, path, pages):
    """The cursor after `pages` pages of 100 (or the last page, if the list is shorter)."""
    big = query.replace("first: 20", "first: 100").replace("nodes { " + NODE + " }", "nodes { id }")
    after, walked, ids = None, 0, []
    while walked < pages:
        data = post(big, {"after": after})
        for key in path:
            data = data[key]
        ids += [n["id"] for n in data["nodes"]]
        if not data["pageInfo"]["hasNextPage"]:
            break
        after, walked = data["pageInfo"]["endCursor"], walked + 1
    return after, walked, ids


write("home", HOME)
write("home_media", HOME_MEDIA)
write("category_first", CATEGORY, {"after": None})
last_cursor, category_pages, _ = walk(CATEGORY, ["category", "articles"], 10_000)
write("category_last", CATEGORY, {"after": last_cursor})
# 5,000 pages of 20 is item 100,000; the synthetic set has ~98,000 visible articles, so the
# deep page is the deepest full page there is.
deep_cursor, deep_pages, ids = walk(DEEP, ["articles"], 970)
write("deep", DEEP, {"after": deep_cursor})
write("most_liked", MOST_LIKED)

slugs = [a["slug"] for a in post("{ articles(first: 100, orderBy: MOST_LIKED) { nodes { slug } } }")["articles"]["nodes"]]
post(ARTICLE, {"slug": slugs[0]})
with open(f"{OUT}/article.lines", "w") as f:
    for slug in slugs:
        f.write(json.dumps({"query": ARTICLE, "variables": {"slug": slug}}) + "\n")
post(ARTICLE_PAGE, {"slug": slugs[0]})
with open(f"{OUT}/article_page.lines", "w") as f:
    for slug in slugs:
        f.write(json.dumps({"query": ARTICLE_PAGE, "variables": {"slug": slug}}) + "\n")
# Each language's queries in turn, one operation per language; a query that finds nothing
# would measure nothing, so it stops the run like an error does.
hits = {}
for lang, queries in SEARCHES.items():
    with open(f"{OUT}/search_{lang}.lines", "w") as f:
        for q in queries:
            hits[q] = len(post(SEARCH, {"q": q})["search"]["edges"])
            if not hits[q]:
                sys.exit(f"the benchmark search {q!r} found nothing")
            f.write(json.dumps({"query": SEARCH, "variables": {"q": q}}) + "\n")
with open(f"{OUT}/like_ids.lua", "w") as f:
    f.write("ids = {" + ",".join(json.dumps(i) for i in ids[:2000]) + "}\n")
post(LIKE, {"id": ids[0]})
prefix = json.dumps({"query": LIKE})[:-1] + ',"variables":{"id":"'
with open(f"{OUT}/like_query.lua", "w") as f:
    f.write("like_prefix = [[" + prefix + "]]\n")

print(json.dumps({"category_last_page": category_pages * 5 + 1, "deep_page": deep_pages * 5 + 1,
                  "search_hits_of_first_10": hits}))
