// Mounts GraphiQL against this server's /graphql.
// It lives in a file of its own, not inline, so that the page runs under a CSP of
// `script-src 'self'`.
(function () {
  "use strict";
  var defaultQuery = [
    "# Welcome to newswire. Press the play button (or Ctrl-Enter) to run a query;",
    "# the book icon on the left opens the documentation of every type and field.",
    "",
    "query Home {",
    "  articles(first: 5, locales: [EN]) {",
    "    nodes {",
    "      title",
    "      locale",
    "      publishedAt",
    "      category { name }",
    "      likeCount",
    "    }",
    "  }",
    "}",
    "",
  ].join("\n");
  var fetcher = GraphiQL.createFetcher({
    url: new URL("/graphql", window.location.href).href,
    headers: { Accept: "application/graphql-response+json, application/json" },
  });
  ReactDOM.createRoot(document.getElementById("graphiql")).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: defaultQuery,
      defaultEditorToolsVisibility: true,
    })
  );
})();
