package importer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/capsule-etl/capsule-etl/capsule"
	"github.com/capsule-etl/capsule-etl/mappings"
	"github.com/capsule-etl/capsule-etl/pipeline/journal"
)

// Matching by search: for an input whose rows need fewer lookups than the
// account has pages, each key is looked up with Capsule's filters (POST
// /{collection}/filters/results, `is`) or a show by id, and the records
// found enter the in-memory index the planner matches against. A search
// returns every record holding the key (and perhaps more, which the
// index's exact keys leave out), so the planner finds the same records
// and applies the same ambiguity rules as with the listed index.

// lookups are the keys a run looks records up by, per collection.
type lookups map[string]map[journal.MatchKey]bool

func (l lookups) add(path string, k journal.MatchKey) {
	if k.Value == "" {
		return
	}
	if l[path] == nil {
		l[path] = map[journal.MatchKey]bool{}
	}
	l[path][k] = true
}

// noteLookups adds the keys the planner will look up for the op: its
// match keys, the records it links to by name or id, and the id an earlier
// run wrote its source key to (remembered, may be nil).
func (l lookups) note(op *mappings.Op, srcKey string, remembered func(label, key string) string) {
	k := kindOf(op)
	if k.indexed() {
		for _, mk := range op.Match {
			l.add(k.path, keyOf(mk))
		}
		if remembered != nil {
			if id := remembered(k.label, op.Record+"/"+srcKey); id != "" {
				l.add(k.path, journal.MatchKey{Kind: "id", Value: id})
			}
		}
	}
	for _, r := range op.Refs {
		switch r.Kind {
		case mappings.RefOrganisation, mappings.RefParty, mappings.RefOpportunity, mappings.RefKase:
			p := refKinds(r.Kind)[0].path
			l.add(p, journal.MatchKey{Kind: "id", Value: strings.TrimSpace(r.ID)})
			l.add(p, journal.MatchKey{Kind: "name", Value: normText(r.Name)})
		}
	}
}

// matchChoice is how one collection is matched in this run and why.
type matchChoice struct {
	path   string
	search bool
	keys   int    // lookups the input needs
	why    string // said in the dry run
}

// searchable reports whether every key can be searched for: phones are
// stored as typed and compared by Capsule as text, so only the listed
// index (which normalises them) finds every record holding a number.
func searchable(path string, keys map[journal.MatchKey]bool, rd *refData) (bool, string) {
	for k := range keys {
		switch {
		case k.Kind == "email" && path == capsule.PathParties, k.Kind == "name", k.Kind == "id":
		case strings.HasPrefix(k.Kind, "field:"):
			if fieldDefByName(rd, path, strings.TrimPrefix(k.Kind, "field:")) == nil {
				return false, fmt.Sprintf("custom field %q is not known before the run", strings.TrimPrefix(k.Kind, "field:"))
			}
		default:
			return false, k.Kind + " keys are found only through the index"
		}
	}
	return true, ""
}

func fieldDefByName(rd *refData, path, name string) *fieldDef {
	if rd == nil {
		return nil
	}
	if d := rd.fields[path][name]; d != nil && d.ID != "" {
		return d
	}
	return nil
}

// maxSearchKeys bounds the lookups search is considered for without a
// cached index: beyond it the listing is cheaper for any account but a
// huge one, and the probe would page far.
const maxSearchKeys = 1000

// chooseMatch decides how path is matched: by the (cached) index or by a
// search per key, from what is known: whether the index is cached, and
// otherwise whether the account holds more than 100×keys records (one probe
// request: then the listing costs more pages than the searches).
func chooseMatch(ctx context.Context, a *api, mem *journal.Memory, mode, path string, keys map[journal.MatchKey]bool, rd *refData) (matchChoice, error) {
	ch := matchChoice{path: path, keys: len(keys)}
	if mode == MatchByIndex {
		ch.why = "--match-by index"
		return ch, nil
	}
	if len(keys) == 0 {
		ch.search, ch.why = true, "nothing to look up"
		return ch, nil
	}
	if ok, why := searchable(path, keys, rd); !ok {
		ch.why = why
		return ch, nil
	}
	if mode == MatchBySearch {
		ch.search, ch.why = true, "--match-by search"
		return ch, nil
	}
	since, cached, err := mem.Cursor(ctx, path)
	if err != nil {
		return ch, err
	}
	switch {
	case cached:
		// A refresh is the since page and the deleted feed (more pages
		// only for many changes since the cursor).
		ch.search = len(keys) < 2
		ch.why = fmt.Sprintf("the account index is cached (refreshed from %s)", since.UTC().Format("2006-01-02 15:04"))
	case len(keys) > maxSearchKeys:
		ch.why = fmt.Sprintf("more than %d: listing the account costs less", maxSearchKeys)
	default:
		// Is record number 100×keys+1 there? Then the listing is at least
		// keys+1 pages plus the deleted feed.
		n := 100*len(keys) + 1
		q := url.Values{"perPage": {"1"}, "page": {fmt.Sprint(n)}}
		found := false
		err := a.getPages(ctx, path+"?"+q.Encode(), nil, path, func(json.RawMessage) error {
			found = true
			return errAllFound
		})
		if err != nil && !errors.Is(err, errAllFound) {
			return ch, fmt.Errorf("counting %s: %w", path, err)
		}
		ch.search = found
		if found {
			ch.why = fmt.Sprintf("the account holds more than %d records, listing them costs more", n-1)
		} else {
			ch.why = fmt.Sprintf("the account holds at most %d records, listing them costs no more", n-1)
		}
	}
	return ch, nil
}

func (ch matchChoice) String() string {
	how := "index"
	if ch.search {
		how = "search"
	}
	if !ch.search && ch.keys == 0 {
		return fmt.Sprintf("matching %s by %s (%s)", ch.path, how, ch.why)
	}
	return fmt.Sprintf("matching %s by %s (%d lookups: %s)", ch.path, how, ch.keys, ch.why)
}

// search looks every key of path up in Capsule and adds the records found
// to ix.
func search(ctx context.Context, a *api, path string, keys map[journal.MatchKey]bool, rd *refData, ix *index) error {
	list := make([]journal.MatchKey, 0, len(keys))
	for k := range keys {
		list = append(list, k)
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].Kind != list[j].Kind {
			return list[i].Kind < list[j].Kind
		}
		return list[i].Value < list[j].Value
	})
	add := func(raw json.RawMessage) error {
		en := &entry{id: "", raw: raw}
		rec := en.record()
		if rec == nil {
			return fmt.Errorf("reading %s: not a record", path)
		}
		en.id = scalar(rec["id"])
		en.kind = kindOfRecord(path, rec)
		if ix.get(en.kind, en.id) != nil {
			return nil
		}
		ix.add(en, recordKeys(en.kind, en.id, rec))
		return nil
	}
	for _, k := range list {
		if k.Kind == "id" {
			if err := a.show(ctx, path, k.Value, add); err != nil {
				return err
			}
			continue
		}
		field := "name"
		switch {
		case k.Kind == "email":
			field = "email"
		case strings.HasPrefix(k.Kind, "field:"):
			field = "custom:" + fieldDefByName(rd, path, strings.TrimPrefix(k.Kind, "field:")).ID
		}
		cond := map[string]any{"field": field, "operator": "is", "value": k.Value}
		body := mustJSON(map[string]any{"filter": map[string]any{"conditions": []any{cond}}})
		if err := a.postPages(ctx, path+"/filters/results", body, path, add); err != nil {
			return fmt.Errorf("searching %s by %s %q: %w", path, k.Kind, k.Value, err)
		}
	}
	return nil
}

// show reads one record by id (with the index's embed); a missing record
// (or an id that is not a number, from another system) is no record.
func (a *api) show(ctx context.Context, path, id string, fn func(json.RawMessage) error) error {
	for _, r := range id {
		if r < '0' || r > '9' {
			return nil
		}
	}
	var out map[string]json.RawMessage
	err := a.get(ctx, path+"/"+id+"?"+url.Values{"embed": {indexEmbed}}.Encode(), &out)
	var er *capsule.ErrorResponse
	if errors.As(err, &er) && er.StatusCode() == 404 {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading %s %s: %w", path, id, err)
	}
	wrapper := map[string]string{capsule.PathParties: "party", capsule.PathOpportunities: "opportunity", capsule.PathKases: "kase"}[path]
	if raw, ok := out[wrapper]; ok {
		return fn(raw)
	}
	return fmt.Errorf("reading %s %s: the answer has no %q", path, id, wrapper)
}

// postPages is getPages for a filter search: the same body is posted to
// each page (Link rel="next").
func (a *api) postPages(ctx context.Context, path string, body []byte, key string, fn func(json.RawMessage) error) error {
	next := path + "?" + url.Values{"perPage": {"100"}, "embed": {indexEmbed}}.Encode()
	for next != "" {
		req, err := a.c.NewRequest(ctx, "POST", next, bytes.NewReader(body))
		if err != nil {
			return err
		}
		var page map[string]json.RawMessage
		a.requests.Add(1)
		a.reads.Add(1)
		resp, err := a.c.Do(ctx, req, &page)
		if err != nil {
			return err
		}
		var items []json.RawMessage
		if raw, ok := page[key]; ok {
			if err := json.Unmarshal(raw, &items); err != nil {
				return err
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
