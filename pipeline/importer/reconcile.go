package importer

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/capsule-etl/capsule-etl/capsule"
	"github.com/capsule-etl/capsule-etl/pipeline/journal"
)

// reconciler settles writes left in doubt (sending): it looks for what
// they would have stored and marks them done if found, pending if not.
// It runs first on resume, and within a run after a level's writes.
type reconciler struct {
	api *api
	ir  *indexer
}

func kindByLabel(label string) *kind {
	for _, k := range kinds {
		if k.label == label {
			return k
		}
	}
	return nil
}

// settleOps reconciles the run's stored in-doubt operations (resume).
func (rc *reconciler) settleOps(ctx context.Context, run *journal.Run, ops []journal.Op) (unresolved []string, err error) {
	if len(ops) == 0 {
		return nil, nil
	}
	if err := rc.refreshFor(ctx, ops); err != nil {
		return nil, err
	}
	for _, op := range ops {
		id, found, err := rc.find(ctx, run, op)
		if err != nil {
			return nil, err
		}
		switch {
		case found && id != "":
			err = run.MarkDone(ctx, op.ID, id)
		case found:
			unresolved = append(unresolved, fmt.Sprintf("%s: %s", op.Key, "more than one record could be the lost write; check Capsule"))
			continue
		default:
			err = run.MarkPending(ctx, op.ID)
		}
		if err != nil {
			return nil, err
		}
	}
	return unresolved, nil
}

// settle reconciles in-doubt planned ops within a run.
func (rc *reconciler) settle(ctx context.Context, run *journal.Run, ops []*planOp) error {
	stored := make([]journal.Op, 0, len(ops))
	for _, o := range ops {
		jo, err := run.Op(ctx, o.jid)
		if err != nil {
			return err
		}
		stored = append(stored, jo)
	}
	if err := rc.refreshFor(ctx, stored); err != nil {
		return err
	}
	for i, jo := range stored {
		o := ops[i]
		id, found, err := rc.find(ctx, run, jo)
		if err != nil {
			return err
		}
		switch {
		case found && id != "":
			if err := run.MarkDone(ctx, jo.ID, id); err != nil {
				return err
			}
			o.id, o.state = id, journal.Done
		case found:
			// Leave it in doubt for the user (the next run says so).
		default:
			if err := run.MarkPending(ctx, jo.ID); err != nil {
				return err
			}
			o.state = journal.Pending
		}
	}
	return nil
}

func (rc *reconciler) refreshFor(ctx context.Context, ops []journal.Op) error {
	paths := map[string]bool{}
	for _, op := range ops {
		if k := kindByLabel(op.Entity); k != nil && k.indexed() && (op.Action == journal.Create || op.Action == journal.Update) {
			paths[k.path] = true
		}
	}
	for _, p := range sortedKeys(paths) {
		if err := rc.ir.refresh(ctx, p); err != nil {
			return fmt.Errorf("refreshing %s to check writes in doubt: %w", p, err)
		}
	}
	return nil
}

// find looks for the record a lost write stored. found with an empty id
// means it cannot tell (several candidates).
func (rc *reconciler) find(ctx context.Context, run *journal.Run, op journal.Op) (id string, found bool, err error) {
	k := kindByLabel(op.Entity)
	if op.Action == journal.Update && k != nil && k.indexed() {
		return rc.appliedUpdate(ctx, k, op)
	}
	if op.Action != journal.Create || k == nil {
		// Deletes, and updates of notes and tasks, are idempotent: send again.
		return "", false, nil
	}
	if !k.indexed() {
		return rc.findChild(ctx, run, k, op)
	}
	// Every natural key is a property of the record the write would have
	// made, so a stored record is found by the first (strongest) key; the
	// others only narrow several candidates down. Nothing found by the
	// first key means nothing was stored.
	if len(op.NaturalKey) == 0 {
		return "", false, nil
	}
	cands, err := rc.recent(ctx, run, k, op, op.NaturalKey[0])
	if err != nil {
		return "", false, err
	}
	if cands, err = rc.sameLinksSent(ctx, k, op, cands); err != nil {
		return "", false, err
	}
	if cands, err = rc.sameValuesSent(ctx, k, op, cands); err != nil {
		return "", false, err
	}
	if cands, err = notOwnedByOther(ctx, run, op, cands); err != nil {
		return "", false, err
	}
	for _, nk := range op.NaturalKey[1:] {
		if len(cands) <= 1 {
			break
		}
		ids, err := rc.ir.mem.FindIDs(ctx, k.path, journal.MatchKey{Kind: k.label + ":" + nk.Kind, Value: nk.Value})
		if err != nil {
			return "", false, err
		}
		if both := intersect(cands, ids); len(both) > 0 {
			cands = both
		}
	}
	switch len(cands) {
	case 0:
		return "", false, nil
	case 1:
		return cands[0], true, nil
	}
	return "", true, nil
}

// appliedUpdate tells whether an update left in doubt was applied: the
// record, freshly indexed, already holds every value the request sent.
// Then it is done (and stays in the run's manifest with its previous
// values for a rollback); otherwise, or when it cannot tell, it is sent
// again, which is harmless for an update.
func (rc *reconciler) appliedUpdate(ctx context.Context, k *kind, op journal.Op) (string, bool, error) {
	id := op.Path[strings.LastIndexByte(op.Path, '/')+1:]
	if op.Method != "PUT" || id == "" {
		return "", false, nil
	}
	var body map[string]map[string]any
	d := json.NewDecoder(bytes.NewReader(op.Body))
	d.UseNumber()
	if err := d.Decode(&body); err != nil || len(body[k.wrapper]) == 0 {
		return "", false, nil
	}
	e, ok, err := rc.ir.mem.IndexEntry(ctx, k.path, id)
	if err != nil || !ok {
		return "", false, err
	}
	var rec map[string]any
	d = json.NewDecoder(bytes.NewReader(e.Fields))
	d.UseNumber()
	if err := d.Decode(&rec); err != nil {
		return "", false, nil
	}
	sent := body[k.wrapper]
	for f, v := range sent {
		// Links are sent as {"id": n} and come back with a name as well.
		if m, isMap := v.(map[string]any); isMap && len(m) == 1 && m["id"] != nil {
			if refID(rec[f]) != scalar(m["id"]) {
				return "", false, nil
			}
			delete(sent, f)
		}
	}
	if upd, _, _ := diff(sent, nil, rec, false); len(upd) > 0 {
		return "", false, nil
	}
	return id, true, nil
}

// recent returns the records indexed under nk that were created after the
// sending mark of op (allowing for clock skew between us and Capsule) and
// not by another create of ours. Only those can be what the write made: an
// older record with the same key, or one another row created, must never
// be taken for it, or the row would be marked done without ever being
// created. They are filtered before any narrowing so that such a record
// can never crowd out the real one.
func (rc *reconciler) recent(ctx context.Context, run *journal.Run, k *kind, op journal.Op, nk journal.MatchKey) ([]string, error) {
	ids, err := rc.ir.mem.FindIDs(ctx, k.path, journal.MatchKey{Kind: k.label + ":" + nk.Kind, Value: nk.Value})
	if err != nil {
		return nil, err
	}
	since := op.Updated.Add(-clockSkew)
	var out []string
	for _, id := range ids {
		e, ok, err := rc.ir.mem.IndexEntry(ctx, k.path, id)
		if err != nil {
			return nil, err
		}
		if c, known := createdAt(e); !ok || (known && c.Before(since)) {
			continue
		}
		other, err := run.CreatedByOther(ctx, op.Entity, id, op.ID)
		if err != nil {
			return nil, err
		}
		if !other {
			out = append(out, id)
		}
	}
	return out, nil
}

// createdAt is when Capsule created the indexed record: its createdAt, or
// its updatedAt (never earlier) when the cached fields lack one. known is
// false when the record carries no time at all: it stays a candidate.
func createdAt(e journal.Entry) (t time.Time, known bool) {
	var rec struct {
		CreatedAt string `json:"createdAt"`
	}
	if len(e.Fields) > 0 && json.Unmarshal(e.Fields, &rec) == nil && rec.CreatedAt != "" {
		if c, err := time.Parse(time.RFC3339, rec.CreatedAt); err == nil {
			return c, true
		}
	}
	return e.UpdatedAt, !e.UpdatedAt.IsZero()
}

// clockSkew is how far Capsule's clock may be from ours when telling a
// record our lost write made from older ones with the same key.
const clockSkew = 10 * time.Minute

func intersect(a, b []string) []string {
	var out []string
	for _, x := range a {
		for _, y := range b {
			if x == y {
				out = append(out, x)
				break
			}
		}
	}
	return out
}

// findChild looks for a lost note or task among the linked record's
// entries (tasks: among open tasks), comparing content.
func (rc *reconciler) findChild(ctx context.Context, run *journal.Run, k *kind, op journal.Op) (string, bool, error) {
	var body map[string]map[string]any
	if err := json.Unmarshal(op.Body, &body); err != nil || body[k.wrapper] == nil {
		return "", false, nil // never sent (no body recorded)
	}
	b := body[k.wrapper]
	var path, key string
	if k == kindEntry {
		for _, link := range []*capsule.Kind{capsule.Organisations, capsule.Opportunities, capsule.Projects} {
			if id := refID(b[link.Wrapper]); id != "" {
				path = link.Path + "/" + id + "/" + capsule.PathEntries
			}
		}
		key = capsule.PathEntries
	} else {
		path, key = capsule.PathTasks, capsule.PathTasks
	}
	if path == "" {
		return "", false, nil
	}
	var hits []string
	want := canon(b["content"]) + "|" + canon(b["description"]) + "|" + strings.TrimSuffix(str(b["entryAt"]), "Z")
	// Entries of one record come at most 50 per page.
	err := rc.api.getPages(ctx, path, url.Values{"perPage": {"50"}}, key, func(raw json.RawMessage) error {
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			return err
		}
		got := canon(m["content"]) + "|" + canon(m["description"]) + "|"
		if str(b["entryAt"]) != "" {
			got += strings.TrimSuffix(str(m["entryAt"]), "Z")
		}
		if got != want || !sameLinks(b, m) {
			return nil
		}
		// A note made before the write (allowing for clock skew), or by
		// another row of ours (the same text twice on one person), is never
		// the lost one.
		if c, err := time.Parse(time.RFC3339, str(m["createdAt"])); err == nil && c.Before(op.Updated.Add(-clockSkew)) {
			return nil
		}
		id := scalar(m["id"])
		other, err := run.CreatedByOther(ctx, op.Entity, id, op.ID)
		if err != nil || other {
			return err
		}
		hits = append(hits, id)
		return nil
	})
	if err != nil {
		return "", false, err
	}
	switch len(hits) {
	case 0:
		return "", false, nil
	case 1:
		return hits[0], true, nil
	}
	return "", true, nil
}

// sameLinks reports whether a listed note or task m has the links and due
// date the lost write b sent: two tasks "Follow up with Thomas Walker" for
// two people of that name are two records, not candidates for one write.
func sameLinks(b, m map[string]any) bool {
	for _, link := range []string{"party", "opportunity", "kase"} {
		if id := refID(b[link]); id != "" && refID(m[link]) != id {
			return false
		}
	}
	if d := str(b["dueOn"]); d != "" && str(m["dueOn"]) != d {
		return false
	}
	return true
}

// sameLinksSent keeps the candidates that hold every link the lost create
// sent ({"id": n}: milestone, party, owner, organisation, ...). Capsule
// stores links as sent, so a record linked elsewhere is not what the write
// made: two deals of one name on other milestones are two rows' records,
// and taking one for the other marks a row done that was never written.
func (rc *reconciler) sameLinksSent(ctx context.Context, k *kind, op journal.Op, cands []string) ([]string, error) {
	var body map[string]map[string]any
	d := json.NewDecoder(bytes.NewReader(op.Body))
	d.UseNumber()
	if err := d.Decode(&body); err != nil || len(body[k.wrapper]) == 0 || len(cands) == 0 {
		return cands, nil
	}
	links := map[string]string{}
	for f, v := range body[k.wrapper] {
		if m, isMap := v.(map[string]any); isMap && len(m) == 1 && m["id"] != nil {
			links[f] = scalar(m["id"])
		}
	}
	if len(links) == 0 {
		return cands, nil
	}
	var out []string
	for _, id := range cands {
		e, ok, err := rc.ir.mem.IndexEntry(ctx, k.path, id)
		if err != nil {
			return nil, err
		}
		var rec map[string]any
		d := json.NewDecoder(bytes.NewReader(e.Fields))
		d.UseNumber()
		if !ok || d.Decode(&rec) != nil {
			out = append(out, id) // nothing to compare: it stays a candidate
			continue
		}
		same := true
		for f, want := range links {
			if v, has := rec[f]; has && refID(v) != want {
				same = false
				break
			}
		}
		if same {
			out = append(out, id)
		}
	}
	return out, nil
}

// sameValuesSent keeps the candidates that hold every value the lost create
// sent, compared the way a rerun compares a row with its record (diff:
// numbers by value, text trimmed, list items and custom fields as Capsule
// normalises them). Two deals of one name and milestone with other amounts
// or close dates are two rows' records: taking one for the other marks a row
// done that was never written and makes the next run update it. A field the
// indexed record does not carry cannot be compared and is passed over.
func (rc *reconciler) sameValuesSent(ctx context.Context, k *kind, op journal.Op, cands []string) ([]string, error) {
	if len(cands) == 0 {
		return cands, nil
	}
	var body map[string]map[string]any
	d := json.NewDecoder(bytes.NewReader(op.Body))
	d.UseNumber()
	if err := d.Decode(&body); err != nil || len(body[k.wrapper]) == 0 {
		return cands, nil
	}
	sent := body[k.wrapper]
	var out []string
	for _, id := range cands {
		e, ok, err := rc.ir.mem.IndexEntry(ctx, k.path, id)
		if err != nil {
			return nil, err
		}
		var rec map[string]any
		d := json.NewDecoder(bytes.NewReader(e.Fields))
		d.UseNumber()
		if !ok || d.Decode(&rec) != nil {
			out = append(out, id) // nothing to compare: it stays a candidate
			continue
		}
		if holdsSent(sent, rec) {
			out = append(out, id)
		}
	}
	return out, nil
}

// holdsSent reports whether rec holds every value of sent that it carries.
// Links by id are sameLinksSent's; a link by name is compared by name.
func holdsSent(sent, rec map[string]any) bool {
	vals := make(map[string]any, len(sent))
	for f, v := range sent {
		have, has := rec[f]
		if !has {
			continue
		}
		if m, isMap := v.(map[string]any); isMap && len(m) == 1 {
			switch {
			case m["id"] != nil:
				continue
			case m["name"] != nil:
				if normText(str(m["name"])) != normText(str(asMap(have)["name"])) {
					return false
				}
				continue
			}
		}
		vals[f] = v
	}
	upd, _, _ := diff(vals, nil, rec, false)
	return len(upd) == 0
}

// notOwnedByOther drops the candidates the journal remembers for another
// source row (created or matched for it by this run or an earlier one): a
// record already someone's is never what this row's lost create made.
func notOwnedByOther(ctx context.Context, run *journal.Run, op journal.Op, cands []string) ([]string, error) {
	if len(cands) == 0 {
		return cands, nil
	}
	mem := run.Memory()
	var out []string
	for _, id := range cands {
		other, err := mem.OwnedByOther(ctx, op.Entity, id, op.Key.SourceKey)
		if err != nil {
			return nil, err
		}
		if !other {
			out = append(out, id)
		}
	}
	return out, nil
}
