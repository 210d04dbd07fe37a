package realworld

import (
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

var diffSummaryForReviewer = harness.Register(&harness.Task{
	ID:         "diff-summary-for-reviewer",
	Category:   harness.NonCoding,
	Title:      "Summarise a diff for a reviewer, calling out breaking changes",
	Difficulty: 2,
	MaxTokens:  768,
	Tags:       []string{"real-world", "diff", "summarisation", "code-review", "go"},
	Prompt: `Summarise this diff for the reviewer in 3 to 6 bullet points: what changed in behaviour, and anything that could break existing API clients. Don't describe it line by line.

` + harness.Fenced("diff", `diff --git a/api/projects.go b/api/projects.go
index 1d07b9e..6f3e2a8 100644
--- a/api/projects.go
+++ b/api/projects.go
@@ -3,6 +3,8 @@
 import (
+	"encoding/base64"
+	"errors"
 	"net/http"
 	"strconv"
 
 	"github.com/acme/projects/store"
 )
@@ -12,9 +14,11 @@
 const (
-	defaultPageSize = 100
-	maxPageSize     = 1000
+	defaultPageSize = 50
+	maxPageSize     = 200
 )
 
+var errBadCursor = errors.New("invalid cursor")
+
 type listProjectsResponse struct {
 	Projects   []Project
-	Total      int
+	NextCursor string
 }
@@ -31,21 +35,48 @@ type listProjectsResponse struct {
 // GET /v1/projects
 func (h *Handler) listProjects(w http.ResponseWriter, r *http.Request) {
 	q := r.URL.Query()
-	offset, err := strconv.Atoi(q.Get("offset"))
-	if err != nil || offset < 0 {
-		offset = 0
-	}
 	limit, err := strconv.Atoi(q.Get("limit"))
 	if err != nil || limit <= 0 {
 		limit = defaultPageSize
 	}
 	if limit > maxPageSize {
 		limit = maxPageSize
 	}
-	projects, total, err := h.store.ListProjects(r.Context(), h.orgID(r), offset, limit)
+	after, err := decodeCursor(q.Get("cursor"))
+	if err != nil {
+		writeError(w, http.StatusBadRequest, "bad_cursor", errBadCursor.Error())
+		return
+	}
+	// Fetch one extra row to know whether there is a next page.
+	projects, err := h.store.ListProjectsAfter(r.Context(), h.orgID(r), after, limit+1)
 	if err != nil {
 		writeError(w, http.StatusInternalServerError, "internal", "could not list projects")
 		return
 	}
-	writeJSON(w, http.StatusOK, listProjectsResponse{Projects: projects, Total: total})
+	resp := listProjectsResponse{Projects: projects}
+	if len(projects) > limit {
+		resp.Projects = projects[:limit]
+		resp.NextCursor = encodeCursor(projects[limit-1].ID)
+	}
+	writeJSON(w, http.StatusOK, resp)
+}
+
+// encodeCursor and decodeCursor keep cursors opaque to clients.
+func encodeCursor(id int64) string {
+	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(id, 10)))
+}
+
+func decodeCursor(s string) (int64, error) {
+	if s == "" {
+		return 0, nil
+	}
+	b, err := base64.RawURLEncoding.DecodeString(s)
+	if err != nil {
+		return 0, errBadCursor
+	}
+	id, err := strconv.ParseInt(string(b), 10, 64)
+	if err != nil || id <= 0 {
+		return 0, errBadCursor
+	}
+	return id, nil
 }
diff --git a/store/projects.go b/store/projects.go
index 88a41c2..0b5d7e1 100644
--- a/store/projects.go
+++ b/store/projects.go
@@ -52,17 +52,12 @@ func (s *Store) GetProject(ctx context.Context, org, id int64) (Project, error) {
-// ListProjects returns one page of an organisation's projects and their total count.
-func (s *Store) ListProjects(ctx context.Context, org int64, offset, limit int) ([]Project, int, error) {
-	var total int
-	if err := s.db.QueryRowContext(ctx,
-		"SELECT count(*) FROM projects WHERE org_id = $1", org).Scan(&total); err != nil {
-		return nil, 0, err
-	}
+// ListProjectsAfter returns up to limit of an organisation's projects with an id
+// greater than after, in id order.
+func (s *Store) ListProjectsAfter(ctx context.Context, org, after int64, limit int) ([]Project, error) {
 	rows, err := s.db.QueryContext(ctx,
-		"SELECT id, name, created_at FROM projects WHERE org_id = $1 ORDER BY created_at DESC LIMIT $2 OFFSET $3",
-		org, limit, offset)
+		"SELECT id, name, created_at FROM projects WHERE org_id = $1 AND id > $2 ORDER BY id LIMIT $3",
+		org, after, limit)
 	if err != nil {
-		return nil, 0, err
+		return nil, err
 	}
 	defer rows.Close()
-	projects, err := scanProjects(rows)
-	return projects, total, err
+	return scanProjects(rows)
 }`) + `

Reply with only the bullet points.`,
	Capabilities: []string{"summarises a diff by behaviour, not by lines", "spots every client-visible breaking change", "stays accurate (no invented changes)"},
	Reference: `- GET /v1/projects switches from offset pagination to cursor (keyset) pagination: clients pass the opaque "cursor" from the previous response, and the response carries a NextCursor field (empty on the last page). The "offset" parameter is silently ignored now.
- Breaking: the Total field is removed from the response, and the store no longer runs a count(*) query.
- Breaking: the default page size drops from 100 to 50 and the maximum from 1000 to 200, so clients asking for more silently get fewer results.
- Breaking: the sort order changes from newest first (created_at DESC) to ascending project id.
- An invalid cursor now returns 400 with error code "bad_cursor".
- Store.ListProjects(offset, limit) is replaced by ListProjectsAfter(after, limit), which fetches limit+1 rows to detect a next page.`,
	Checks: []harness.Check{
		harness.Contains{Label: "client-visible-changes", All: []string{
			"cursor",
			"offset",
			"total",
			"50",
			"200",
			"order|sort|created_at",
			"400|bad_cursor|bad request|invalid cursor",
		}},
		harness.Lacks{Label: "no-invented-changes", Any: []string{"database migration", "schema migration", "new index", "adds an index", "added an index", "index on", "rate limit", "authentication", "caching"}},
	},
	WrongAnswers: []string{
		// Misses the sort-order and page-size changes.
		`- Replaces offset pagination with cursor pagination on GET /v1/projects; responses now include NextCursor instead of Total.
- Invalid cursors return 400 bad_cursor.
- Store.ListProjects becomes ListProjectsAfter.`,
		// Invents a database migration.
		`- Switches GET /v1/projects from offset to cursor pagination; Total is replaced by NextCursor.
- Default page size 100 → 50, max 1000 → 200.
- Results are now ordered by id instead of created_at.
- Invalid cursors return 400.
- Adds a schema migration with a new index on (org_id, id).`,
	},
})

func TestDiffSummaryForReviewer(t *testing.T) { harness.Run(t, diffSummaryForReviewer) }
