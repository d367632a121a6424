package importer

import (
	"fmt"

	"github.com/capsule-etl/capsule-etl/capsule"
	"github.com/capsule-etl/capsule-etl/pipeline/journal"
)

// readPlan is what the reads of the real run cost, as the dry run (or the
// run itself, before its writes) knows them: the preflight, and per
// collection the index refresh or listing, the searches, the notes and
// tasks read by id. In a dry run the reads are predicted for the run that
// follows it (a listing cached now is only refreshed then); in a real run
// they are the reads already made.
type readPlan struct {
	reads int
	done  bool // already made (a real run): the time estimate is the writes'
}

// refreshCost is what refreshing a cached index costs: the since page and
// the deleted feed.
const refreshCost = 2

// readShareWarn is the share of the usable hourly budget (percent) from
// which the summary warns about the reads.
const readShareWarn = 10

// requestsLine is the summary's "requests needed" line.
func (rp readPlan) requestsLine(writes int) string {
	if rp.done {
		return fmt.Sprintf("%d writes (after %d reads made)", writes, rp.reads)
	}
	return fmt.Sprintf("%d writes + %d reads = %d", writes, rp.reads, writes+rp.reads)
}

// estimateLine is the summary's "estimated time" line: the writes and,
// in a dry run, the reads the real run makes before them.
func (rp readPlan) estimateLine(writes int, p *capsule.Pacer) string {
	if rp.done || rp.reads == 0 {
		return estimate(writes, p)
	}
	n := writes + rp.reads
	e := p.Estimate(n)
	if !e.Fits {
		return estimate(n, p) + fmt.Sprintf(" (%d of the requests are reads)", rp.reads)
	}
	if !e.Known {
		return fmt.Sprintf("no waiting if the account's budget is unused: %d writes and %d reads, %d usable per hour (%.0f%% kept in reserve)", writes, rp.reads, e.Usable, e.Reserve)
	}
	return fmt.Sprintf("no waiting: %d writes and %d reads fit the current budget (%d requests left in this window, %.0f%% kept in reserve)", writes, rp.reads, e.Remaining, e.Reserve)
}

// warning is said when the reads take a large share of the hourly budget.
func (rp readPlan) warning(p *capsule.Pacer) string {
	if rp.done || rp.reads == 0 {
		return ""
	}
	u := p.Estimate(1).Usable
	if u <= 0 || rp.reads*100 < readShareWarn*u {
		return ""
	}
	return fmt.Sprintf("reading the account takes %d requests, %d%% of the %d usable per hour: "+
		"keep the account index cached (no --no-index-cache) so later imports only refresh it, or try --match-by search for a small input",
		rp.reads, rp.reads*100/u, u)
}

// nextReads is what matching path by the index costs the real run, given
// what it cost this one (made): a dry run that listed into the cache
// leaves the real run a refresh, or a search when the input needs fewer
// lookups than a refresh costs (chooseMatch); without a cache the listing
// is paid again.
func nextReads(cfg *Config, ch matchChoice, made int, keys map[journal.MatchKey]bool, rd *refData) int {
	if !cfg.DryRun || cfg.NoIndexCache {
		return made
	}
	if cfg.MatchBy == "" && len(keys) < refreshCost {
		if ok, _ := searchable(ch.path, keys, rd); ok {
			return len(keys)
		}
	}
	return min(made, refreshCost)
}
