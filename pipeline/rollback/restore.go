package rollback

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"

	"github.com/capsule-etl/capsule-etl/capsule"
)

// restore puts back the previous values of s.Previous with one partial PUT.
// Child lists need the record as it is now (a GET): Capsule adds list rows
// without an id and removes rows given as {"id", "_delete": true}, so the
// rows the run added are deleted and the rows it removed are added again.
func restore(ctx context.Context, c *capsule.Client, s Step) (Outcome, error) {
	var prev map[string]json.RawMessage
	if err := json.Unmarshal(s.Previous, &prev); err != nil || len(prev) == 0 {
		if err != nil {
			return "", fmt.Errorf("%s: previous values are not a JSON object: %w", s, err)
		}
		return Unchanged, nil
	}
	cur, err := getRecord(ctx, c, s)
	var er *capsule.ErrorResponse
	if errors.As(err, &er) && er.StatusCode() == http.StatusNotFound {
		return Gone, nil
	}
	if err != nil {
		return "", err
	}
	body := restoreBody(prev, cur)
	if len(body) == 0 {
		return Unchanged, nil
	}
	req, err := c.NewRequest(ctx, http.MethodPut, s.Path, map[string]any{s.Wrapper: body})
	if err != nil {
		return "", err
	}
	_, err = c.Do(ctx, req, nil)
	if errors.As(err, &er) && er.StatusCode() == http.StatusNotFound {
		return Gone, nil
	}
	if err != nil {
		return "", err
	}
	return Restored, nil
}

func getRecord(ctx context.Context, c *capsule.Client, s Step) (map[string]json.RawMessage, error) {
	req, err := c.NewRequest(ctx, http.MethodGet, s.Path+"?embed=tags,fields", nil)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := c.Do(ctx, req, &buf); err != nil {
		return nil, err
	}
	var wrapped map[string]map[string]json.RawMessage
	if err := json.Unmarshal(buf.Bytes(), &wrapped); err != nil {
		return nil, fmt.Errorf("reading %s: %w", s.Path, err)
	}
	rec, ok := wrapped[s.Wrapper]
	if !ok {
		return nil, fmt.Errorf("reading %s: no %q in the answer", s.Path, s.Wrapper)
	}
	return rec, nil
}

// restoreBody is the update that brings cur back to prev, field by field.
func restoreBody(prev, cur map[string]json.RawMessage) map[string]any {
	body := map[string]any{}
	keys := make([]string, 0, len(prev))
	for k := range prev {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		p, c := prev[k], cur[k]
		var pl, cl []map[string]any
		pIsList := json.Unmarshal(p, &pl) == nil && !isNull(p)
		cIsList := json.Unmarshal(c, &cl) == nil && !isNull(c)
		if pIsList || (isNull(p) && cIsList) {
			if rows := listRestore(pl, cl); len(rows) > 0 {
				body[k] = rows
			}
			continue
		}
		if equalJSON(p, c) {
			continue
		}
		body[k] = linkForm(p)
	}
	return body
}

// listRestore deletes rows of cur that prev did not have and adds rows of
// prev that cur lost (without their old ids, which Capsule would refuse).
func listRestore(prev, cur []map[string]any) []any {
	had := map[string]bool{}
	for _, r := range prev {
		if id := idOf(r); id != "" {
			had[id] = true
		}
	}
	has := map[string]bool{}
	var out []any
	for _, r := range cur {
		id := idOf(r)
		has[id] = true
		if id != "" && !had[id] {
			out = append(out, map[string]any{"id": r["id"], "_delete": true})
		}
	}
	for _, r := range prev {
		if id := idOf(r); id == "" || has[id] {
			continue
		}
		add := map[string]any{}
		for k, v := range r {
			if k != "id" {
				add[k] = v
			}
		}
		out = append(out, add)
	}
	return out
}

// linkForm reduces a link ({"id": 7, "name": ...}) to {"id": 7}, the form
// Capsule accepts in writes; other values pass unchanged.
func linkForm(raw json.RawMessage) any {
	var m map[string]any
	if json.Unmarshal(raw, &m) == nil && m != nil {
		if id, ok := m["id"]; ok {
			return map[string]any{"id": id}
		}
	}
	return raw
}

func idOf(r map[string]any) string {
	if v, ok := r["id"]; ok && v != nil {
		return fmt.Sprint(v)
	}
	return ""
}

func isNull(raw json.RawMessage) bool {
	return len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null"
}

func equalJSON(a, b json.RawMessage) bool {
	if isNull(a) && isNull(b) {
		return true
	}
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xb, _ := json.Marshal(x)
	yb, _ := json.Marshal(y)
	return bytes.Equal(xb, yb)
}
