package importer

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"time"

	"github.com/capsule-etl/capsule-etl/capsule"
	"github.com/capsule-etl/capsule-etl/pipeline/journal"
)

// PlanLine is one line of the --plan file.
type PlanLine struct {
	Action  string       `json:"action"`
	Entity  string       `json:"entity"`
	Record  string       `json:"record"`
	Source  PlanSource   `json:"source"`
	Match   *PlanMatch   `json:"match,omitempty"`
	Diff    []Change     `json:"diff,omitempty"`
	Request *PlanRequest `json:"request,omitempty"`
	Reason  string       `json:"reason,omitempty"`
	Field   string       `json:"field,omitempty"`
}

// PlanSource is where an operation comes from.
type PlanSource struct {
	File  string `json:"file"`
	Sheet string `json:"sheet,omitempty"`
	Row   int    `json:"row"`
	Key   string `json:"key,omitempty"`
}

// PlanMatch is how the target record was found.
type PlanMatch struct {
	Key       string   `json:"key,omitempty"`
	ID        string   `json:"id,omitempty"`
	Planned   string   `json:"planned,omitempty"` // a create planned by an earlier row
	Ambiguous []string `json:"ambiguous,omitempty"`
}

// PlanRequest is the write that will be sent. Never holds a token.
type PlanRequest struct {
	Method string          `json:"method"`
	Path   string          `json:"path"`
	Body   json.RawMessage `json:"body"`
}

func planAction(a journal.Action) string {
	if a == journal.NoChange {
		return "unchanged"
	}
	return string(a)
}

func (o *planOp) planLine() PlanLine {
	l := PlanLine{Action: planAction(o.action), Entity: o.kind.label, Record: o.record,
		Source: PlanSource{File: o.in.name, Sheet: o.in.sheet, Row: o.row, Key: o.srcKey},
		Diff:   o.diffs, Reason: o.reason, Field: o.field}
	if o.matchKey != "" || o.targetID != "" || o.targetOp != nil || len(o.ambiguous) > 0 {
		l.Match = &PlanMatch{Key: o.matchKey, ID: o.targetID, Ambiguous: o.ambiguous}
		if o.targetOp != nil {
			l.Match.Planned = fmt.Sprintf("%s row %d %s", o.targetOp.in.name, o.targetOp.row, o.targetOp.record)
		}
	}
	if o.action == journal.Create || o.action == journal.Update {
		path := o.kind.path
		method := "POST"
		if o.action == journal.Update {
			method = "PUT"
			id := o.targetID
			if o.targetOp != nil {
				id = o.targetOp.resolvedID()
			}
			if id == "" {
				id = "{id of row " + strconv.Itoa(o.targetOp.row) + " " + o.targetOp.record + "}"
			}
			path += "/" + id
		}
		l.Request = &PlanRequest{Method: method, Path: path, Body: o.planBody()}
	}
	return l
}

// writePlanStream writes one JSON line per operation as batches arrive.
// It always drains in, so the planner never blocks on a failed writer.
func writePlanStream(w io.Writer, in <-chan []*planOp) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	var err error
	for batch := range in {
		for _, o := range batch {
			if err == nil {
				err = enc.Encode(o.planLine())
			}
		}
	}
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return fmt.Errorf("writing the plan: %w", err)
	}
	return nil
}

// writePlanSummary prints counts per entity and action, the requests the
// writes need and how long they take at the account's pace.
func writePlanSummary(w io.Writer, ops []*planOp, budget capsule.Rate, reserve float64, now time.Time) {
	by, labels, writes := planCounts(ops)
	fmt.Fprintln(w, "plan:")
	for _, l := range labels {
		c := by[l]
		fmt.Fprintf(w, "  %-14s create %d, update %d, unchanged %d, skip %d, reject %d\n", l,
			c["create"], c["update"], c["unchanged"], c["skip"], c["reject"])
	}
	fmt.Fprintf(w, "  requests needed: %d writes\n", writes)
	fmt.Fprintf(w, "  estimated time: %s\n", estimate(writes, budget, reserve, now))
}

// planCounts counts the plan's ops per entity label and action, the labels
// in dependency order, and the writes still to send.
func planCounts(ops []*planOp) (by map[string]map[string]int, labels []string, writes int) {
	by = map[string]map[string]int{}
	for _, o := range ops {
		c := by[o.kind.label]
		if c == nil {
			c = map[string]int{}
			by[o.kind.label] = c
		}
		c[planAction(o.action)]++
		if (o.action == journal.Create || o.action == journal.Update) && o.state != journal.Done {
			writes++
		}
	}
	labels = sortedKeys(by)
	sort.SliceStable(labels, func(a, b int) bool { return kindByLabel(labels[a]).rank < kindByLabel(labels[b]).rank })
	return by, labels, writes
}

// estimate says how long n writes take at 4,000 requests/hour less the
// reserve, starting from the current budget when known.
func estimate(n int, b capsule.Rate, reserve float64, now time.Time) string {
	if n == 0 {
		return "nothing to send"
	}
	limit := 4000
	if b.Limit > 0 {
		limit = b.Limit
	}
	usable := int(math.Floor(float64(limit) * (1 - reserve/100)))
	if usable < 1 {
		usable = 1
	}
	left := usable
	if b.Known() {
		left = b.Remaining - (limit - usable)
		if left < 0 {
			left = 0
		}
	}
	if n <= left {
		if !b.Known() {
			return fmt.Sprintf("no waiting if the account's budget is unused: %d writes, %d usable per hour (%.0f%% kept in reserve)", n, usable, reserve)
		}
		return fmt.Sprintf("no waiting: %d writes fit the current budget (%d requests left in this window, %.0f%% kept in reserve)", n, b.Remaining, reserve)
	}
	rest := n - left
	windows := (rest + usable - 1) / usable
	wait := time.Duration(windows) * time.Hour
	if b.Known() && b.Reset.After(now) {
		wait = b.Reset.Sub(now) + time.Duration(windows-1)*time.Hour
	}
	when := "about " + wait.Round(time.Minute).String()
	if wait < time.Minute {
		when = "under a minute"
	}
	return fmt.Sprintf("%s: %d writes at %d requests per window (%.0f%% reserved for other integrations), waiting for %d window resets",
		when, n, usable, reserve, windows)
}
