package importer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"

	"github.com/capsule-etl/capsule-etl/capsule"
	"github.com/capsule-etl/capsule-etl/pipeline/journal"
)

// errAllFound stops a listing once every wanted id was seen.
var errAllFound = errors.New("all wanted ids found")

// loadByID puts the notes or tasks (path entries or tasks) whose ids the
// input matches on into ix, keyed by id only, so a re-import of an export
// matches them without a request per row. It is called only when a mapping
// matches notes or tasks on id.
//
// The collection is listed (100 per page) rather than read with
// show-multiple: show-multiple takes 10 ids per request and answers 404 for
// the whole batch when one id is missing (always, for a file exported from
// another account), so for a re-import of an export, where nearly every id
// is wanted, listing costs a tenth of the requests. Listing stops as soon as
// every wanted id was seen (entries come newest first).
func loadByID(ctx context.Context, a *api, path string, want map[string]bool, ix *index) error {
	k := kindEntry
	q := url.Values{"perPage": {"100"}}
	if path == capsule.PathTasks {
		k = kindTask
		// The default listing holds open tasks only.
		q.Set("status", "open,completed,pending")
	}
	left := len(want)
	err := a.getPages(ctx, path, q, path, func(raw json.RawMessage) error {
		var rec map[string]any
		d := json.NewDecoder(bytes.NewReader(raw))
		d.UseNumber()
		if err := d.Decode(&rec); err != nil {
			return fmt.Errorf("reading %s: %w", path, err)
		}
		id := scalar(rec["id"])
		if !want[id] || ix.get(k, id) != nil {
			return nil
		}
		ix.add(&entry{kind: k, id: id, raw: raw, view: rec}, []journal.MatchKey{{Kind: "id", Value: id}})
		if left--; left == 0 {
			return errAllFound
		}
		return nil
	})
	if errors.Is(err, errAllFound) {
		return nil
	}
	return err
}
