// Mounts GraphiQL against this server's /graphql, with subscriptions over /graphql/ws
// (the graphql-ws client, opened when a subscription first runs).
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
  var socket = new URL("/graphql/ws", window.location.href);
  socket.protocol = socket.protocol === "https:" ? "wss:" : "ws:";
  var fetcher = GraphiQL.createFetcher({
    url: new URL("/graphql", window.location.href).href,
    headers: { Accept: "application/graphql-response+json, application/json" },
    wsClient: graphqlWs.createClient({ url: socket.href, lazy: true }),
  });
  ReactDOM.createRoot(document.getElementById("graphiql")).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: defaultQuery,
      defaultEditorToolsVisibility: true,
    })
  );
})();
