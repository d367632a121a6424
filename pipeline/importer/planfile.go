package importer

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
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
	// Warnings are what the user should look at, though the op is written
	// (a value kept as written, a row that is the same record as another).
	Warnings []string `json:"warnings,omitempty"`
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
	for _, w := range o.warnings {
		l.Warnings = append(l.Warnings, w.Text())
	}
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
// writes need and how long they take at the account's pace. fieldDefs are
// the custom field definitions --create-fields creates before the rows:
// they are writes of the run too.
func writePlanSummary(w io.Writer, ops []*planOp, fieldDefs int, pacer *capsule.Pacer, rp readPlan) {
	by, labels, writes := planCounts(ops)
	writes += fieldDefs
	fmt.Fprintln(w, "plan:")
	for _, l := range labels {
		c := by[l]
		reused := ""
		if c["reused"] > 0 {
			reused = fmt.Sprintf(", reused %d", c["reused"])
		}
		fmt.Fprintf(w, "  %-14s create %d, update %d, unchanged %d, skip %d, reject %d%s\n", l,
			c["create"], c["update"], c["unchanged"], c["skip"], c["reject"], reused)
	}
	writeRejections(w, groupRejections(ops))
	ws, rows := collectWarnings(ops)
	writeWarnings(w, ws, rows)
	if fieldDefs > 0 {
		fmt.Fprintf(w, "  requests needed: %s (%d of the writes are custom field definitions)\n", rp.requestsLine(writes), fieldDefs)
	} else {
		fmt.Fprintf(w, "  requests needed: %s\n", rp.requestsLine(writes))
	}
	fmt.Fprintf(w, "  estimated time: %s\n", rp.estimateLine(writes, pacer))
	if warn := rp.warning(pacer); warn != "" {
		fmt.Fprintf(w, "  warning: %s\n", warn)
	}
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
		if o.action == journal.NoChange && o.targetOp != nil {
			c["reused"]++
		} else {
			c[planAction(o.action)]++
		}
		if (o.action == journal.Create || o.action == journal.Update) && o.state != journal.Done {
			writes++
		}
	}
	labels = sortedKeys(by)
	sort.SliceStable(labels, func(a, b int) bool { return kindByLabel(labels[a]).rank < kindByLabel(labels[b]).rank })
	return by, labels, writes
}

// estimateWait is the wait the estimate foresees for n writes: 0 when they
// fit the current budget (the ETA then comes from the measured rate).
func estimateWait(n int, p *capsule.Pacer) time.Duration {
	if n == 0 {
		return 0
	}
	e := p.Estimate(n)
	if e.Fits {
		return 0
	}
	return e.Wait
}

// planPacer is the pacer whose answers the plan summary gives: the client's,
// or for an offline plan one with reserve and no budget seen yet.
func planPacer(a *api, reserve float64) (*capsule.Pacer, error) {
	if a != nil {
		return a.c.Pacer(), nil
	}
	return capsule.NewPacer(nil, reserve)
}

// estimate says how long n writes take, as the pacer answers it (the
// usable budget per window and the resets to wait for).
func estimate(n int, p *capsule.Pacer) string {
	if n == 0 {
		return "nothing to send"
	}
	e := p.Estimate(n)
	if e.Fits {
		if !e.Known {
			return fmt.Sprintf("no waiting if the account's budget is unused: %d writes, %d usable per hour (%.0f%% kept in reserve)", n, e.Usable, e.Reserve)
		}
		return fmt.Sprintf("no waiting: %d writes fit the current budget (%d requests left in this window, %.0f%% kept in reserve)", n, e.Remaining, e.Reserve)
	}
	when := "about " + e.Wait.Round(time.Minute).String()
	if e.Wait < time.Minute {
		when = "under a minute"
	}
	return fmt.Sprintf("%s: %d writes at %d requests per window (%.0f%% reserved for other integrations), waiting for %d window resets",
		when, n, e.Usable, e.Reserve, e.Resets)
}
