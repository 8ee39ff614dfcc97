-- The home page's rows in one hand-written statement: the 20 latest visible articles with
-- their Japanese text (else the original), category name in Japanese (else Korean) and the
-- reader's like state. pgbench runs it prepared, as the ceiling for the same data (the
-- colon of the liker id is spelled chr(58): pgbench would read ":name" as a variable).
SELECT a.id, a.slug, a.like_count, a.published_at,
       COALESCE(tj.locale, t0.locale) AS locale,
       COALESCE(tj.title, t0.title) AS title,
       COALESCE(tj.summary, t0.summary) AS summary,
       c.slug AS category_slug,
       COALESCE(cj.name, ck.name) AS category_name,
       EXISTS (SELECT 1 FROM article_like l WHERE l.article_id = a.id AND l.liker = 'client' || chr(58) || 'bench-reader') AS liked
FROM article a
JOIN article_translation t0 ON t0.article_id = a.id AND t0.locale = a.original_locale
LEFT JOIN article_translation tj ON tj.article_id = a.id AND tj.locale = 'ja'
JOIN category c ON c.id = a.category_id
LEFT JOIN category_translation cj ON cj.category_id = c.id AND cj.locale = 'ja'
LEFT JOIN category_translation ck ON ck.category_id = c.id AND ck.locale = 'ko'
WHERE a.status = 'published' AND a.published_at <= now() AND a.deleted_at IS NULL
ORDER BY a.published_at DESC, a.id DESC
LIMIT 20;
