package importer

import (
	"context"
	"log/slog"
	"math"

	"github.com/capsule-etl/capsule-etl/capsule"
)

// The structured counterparts of the human summaries, for Config.Log and
// `--log-format json`: one record each, counts as typed attributes so a log
// collector can graph or alert on them without parsing sentences.

// LogSummary logs the result of an import as one record ("summary"): rows,
// per-entity counts in the group "entities", the totals in "total",
// requests, elapsed_s and, when written, the errors file. It is logged at
// WARN when rows were rejected or writes are left to check, else INFO.
func LogSummary(l *slog.Logger, r *Result) {
	level := slog.LevelInfo
	if r.RejectedRows > 0 || r.Total.Rejected > 0 || r.Total.InDoubt > 0 || r.Total.Pending > 0 {
		level = slog.LevelWarn
	}
	ents := make([]any, 0, len(r.Entities))
	for _, e := range r.Entities {
		ents = append(ents, slog.Group(e.Entity, countsAttrs(e.Counts)...))
	}
	attrs := []any{
		"dry_run", r.DryRun, "rows", r.Rows,
		slog.Group("entities", ents...),
		slog.Group("total", countsAttrs(r.Total)...),
		"requests", r.Requests, "elapsed_s", round3(r.Elapsed.Seconds()),
		"rejected_rows", r.RejectedRows, "warnings", len(r.Warnings), "warned_rows", r.WarnedRows,
	}
	if r.ErrorsFile != "" {
		attrs = append(attrs, "errors_file", r.ErrorsFile)
	}
	l.Log(context.Background(), level, "summary", attrs...)
}

func countsAttrs(c Counts) []any {
	return []any{"created", c.Created, "updated", c.Updated, "unchanged", c.Unchanged,
		"skipped", c.Skipped, "rejected", c.Rejected, "reused", c.Reused, "in_doubt", c.InDoubt, "not_sent", c.Pending}
}

// logPlanSummary is writePlanSummary as one record ("plan").
func logPlanSummary(l *slog.Logger, ops []*planOp, fieldDefs int, pacer *capsule.Pacer, rp readPlan) {
	by, labels, writes := planCounts(ops)
	writes += fieldDefs
	ents := make([]any, 0, len(labels))
	for _, lb := range labels {
		c := by[lb]
		ents = append(ents, slog.Group(lb, "create", c["create"], "update", c["update"],
			"unchanged", c["unchanged"], "skip", c["skip"], "reject", c["reject"], "reused", c["reused"]))
	}
	ws, rows := collectWarnings(ops)
	l.Info("plan", slog.Group("entities", ents...), "writes_needed", writes, "field_definitions", fieldDefs, "reads", rp.reads,
		"estimate", rp.estimateLine(writes, pacer), "warnings", len(ws), "warned_rows", rows)
	if warn := rp.warning(pacer); warn != "" {
		l.Warn(warn, "reads", rp.reads)
	}
}

func round1(f float64) float64 { return math.Round(f*10) / 10 }
func round3(f float64) float64 { return math.Round(f*1000) / 1000 }
