package importer

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"sync/atomic"

	"github.com/capsule-etl/capsule-etl/capsule"
)

// api sends raw JSON through the client (pacing, retries and typed errors
// stay in the client) and counts the requests of the run.
type api struct {
	c        *capsule.Client
	requests atomic.Int64
	reads    atomic.Int64 // GETs (the journal counts writes itself)
}

// getPages calls fn with each item of the list key of every page of path,
// following Link rel="next".
func (a *api) getPages(ctx context.Context, path string, q url.Values, key string, fn func(json.RawMessage) error) error {
	next := path
	if len(q) > 0 {
		next += "?" + q.Encode()
	}
	for next != "" {
		req, err := a.c.NewRequest(ctx, "GET", next, nil)
		if err != nil {
			return err
		}
		var page map[string]json.RawMessage
		a.requests.Add(1)
		a.reads.Add(1)
		resp, err := a.c.Do(ctx, req, &page)
		if err != nil {
			return fmt.Errorf("listing %s: %w", path, err)
		}
		var items []json.RawMessage
		if raw, ok := page[key]; ok {
			if err := json.Unmarshal(raw, &items); err != nil {
				return fmt.Errorf("listing %s: %w", path, err)
			}
		}
		for _, it := range items {
			if err := fn(it); err != nil {
				return err
			}
		}
		next = resp.NextURL
	}
	return nil
}

// get decodes one GET answer into v.
func (a *api) get(ctx context.Context, path string, v any) error {
	req, err := a.c.NewRequest(ctx, "GET", path, nil)
	if err != nil {
		return err
	}
	a.requests.Add(1)
	a.reads.Add(1)
	_, err = a.c.Do(ctx, req, v)
	return err
}

// write sends a POST or PUT with a ready JSON body and returns the id of
// the record in the answer and, with embed, the record as the index lists
// it (tags and custom fields embedded), for the cached index.
func (a *api) write(ctx context.Context, method, path string, body []byte, wrapper string, embed bool) (string, json.RawMessage, error) {
	target := path
	if embed {
		target += "?" + url.Values{"embed": {indexEmbed}}.Encode()
	}
	req, err := a.c.NewRequest(ctx, method, target, bytes.NewReader(body))
	if err != nil {
		return "", nil, err
	}
	var out map[string]json.RawMessage
	a.requests.Add(1)
	if _, err := a.c.Do(ctx, req, &out); err != nil {
		return "", nil, err
	}
	var rec struct {
		ID json.Number `json:"id"`
	}
	_ = json.Unmarshal(out[wrapper], &rec)
	id := rec.ID.String()
	if id == "" {
		// Stored, but we cannot tell under which id: treat as in doubt so
		// reconciliation finds it instead of a blind resend.
		return "", nil, &capsule.InDoubtError{Method: method, Path: path, Err: fmt.Errorf("answer without %s id", wrapper)}
	}
	return id, out[wrapper], nil
}

// createField creates a custom field definition of collection.
func (a *api) createField(ctx context.Context, coll, name, typ string) error {
	body := mustJSON(map[string]any{"definition": map[string]any{"name": name, "type": typ}})
	req, err := a.c.NewRequest(ctx, "POST", coll+"/fields/definitions", bytes.NewReader(body))
	if err != nil {
		return err
	}
	a.requests.Add(1)
	_, err = a.c.Do(ctx, req, nil)
	return err
}
