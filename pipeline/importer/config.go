package importer

import (
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/capsule-etl/capsule-etl/capsule"
	"github.com/capsule-etl/capsule-etl/formats"
	"github.com/capsule-etl/capsule-etl/formats/files"
	"github.com/capsule-etl/capsule-etl/mappings"
	"github.com/capsule-etl/capsule-etl/pipeline/journal"
)

// Config is one import run.
type Config struct {
	Inputs []string // files to import, in order (later files may refer to earlier ones)
	// Mapping is the mapping file's content and MappingName its name in
	// messages. Without a mapping, MappingFor is asked for one per input
	// (the export layout); nil means a mapping is required.
	Mapping     []byte
	MappingName string
	MappingFor  func(header *formats.Header) (*mappings.Mapping, error)
	Source      files.Options // overrides of the mapping's source options (sheet, header row, encoding, delimiter)

	Client  *capsule.Client // nil with Offline
	Account journal.Account // the account the run writes to (token never stored)
	DryRun  bool            // plan only: reads, no writes
	// CreateFields creates missing custom field definitions instead of
	// refusing the run (type from the first value).
	CreateFields bool
	Offline      bool // plan only, no requests at all: everything is a create

	Plan           io.Writer // JSON Lines plan, nil for none
	PlanSummary    io.Writer // human summary of the plan (dry runs), nil for none
	ErrorsPath     string    // rejected rows; "" = beside the first input
	NoFormulaGuard bool      // a CSV errors file holds text starting with = + - @ as is (see formats.FormulaGuard)
	JournalPath    string    // "" = beside the first input (<input>.capsule-etl.db)
	// The account index: IndexPath is its file (--index); else it is kept
	// under IndexCacheDir (one file per base URL and user, see
	// IndexCachePath); NoIndexCache keeps it only for the run. With none of
	// them it is kept in the journal.
	IndexPath     string
	IndexCacheDir string
	NoIndexCache  bool
	// MatchBy is how existing records are found: MatchByIndex (list the
	// account into the index, then refresh it), MatchBySearch (one filter
	// search or show per key), or "" to choose the cheaper per run.
	MatchBy        string
	JournalOptions []journal.Option // e.g. journal.WithUnsafeNoSync() for throwaway runs in tests
	Abandon        bool             // abandon an unfinished run that does not fit and start afresh
	MaxErrors      int              // stop writing after this many rejected rows (0 = no limit)
	Workers        int              // concurrent writers within a level (default 4)
	// SettleDelay is how long to wait before looking for writes left in
	// doubt within the run (default DefaultSettleDelay; negative: none). A
	// server may still be storing a request whose answer the client gave
	// up on; looking too early would find nothing and send it again.
	SettleDelay time.Duration
	Reserve     float64  // percent of the hourly budget left unused, for an offline plan's estimate (with Client, its pacer's reserve counts)
	Args        []string // the command line, for `runs show` (secrets redacted by the journal)

	Progress io.Writer // progress and log lines (stderr), nil for none
	// Log, when set, takes the place of Progress and PlanSummary: progress,
	// notices and the plan summary become structured records on it (e.g. a
	// slog.JSONHandler for cron and log collectors), never a redrawn line.
	Log           *slog.Logger
	Terminal      bool // Progress is a terminal: redraw one line
	ProgressEvery time.Duration
	Now           func() time.Time
}

// The ways of matching (Config.MatchBy, --match-by).
const (
	MatchByIndex  = "index"
	MatchBySearch = "search"
)

// Result is what a run did.
type Result struct {
	RunID    int64
	DryRun   bool
	Rows     int // input rows read
	Entities []EntityCounts
	Total    Counts
	Requests int64 // Capsule requests sent by this process
	// EstimatedRequests (dry runs) is what the real run after this dry run
	// will send: its reads (preflight, index refresh or searches) and writes.
	EstimatedRequests int
	Elapsed           time.Duration
	ErrorsFile        string // written when rows were rejected
	JournalFile       string
	// RejectedRows is the number of input rows with at least one rejected
	// or failed operation (they are in ErrorsFile).
	RejectedRows int
	// Warnings lists what the written rows bring that the user should look
	// at (values kept as written, rows that are the same record); WarnedRows
	// counts the rows they are on.
	Warnings   []Warning
	WarnedRows int
	// Matching says how each collection's existing records were found
	// (by index or by search, and why).
	Matching []string
	// Rejections groups the rejected rows by reason, the most frequent
	// first (the summary prints them).
	Rejections []ReasonGroup
}

// Counts are the outcomes of operations (one per record of the mapping and
// input row).
type Counts struct {
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	Skipped   int `json:"skipped"`
	Rejected  int `json:"rejected"`
	// Reused counts rows that need nothing written because they are a
	// record another row of the same run creates (the same person twice).
	Reused int `json:"reused,omitempty"`
	// InDoubt and Pending are left when the run stopped early; running the
	// same command again settles them.
	InDoubt int `json:"inDoubt,omitempty"`
	Pending int `json:"pending,omitempty"`
}

// EntityCounts are the counts of one entity (organisations, people,
// opportunities, projects, notes, tasks).
type EntityCounts struct {
	Entity string `json:"entity"`
	Counts
}

// InputError is a problem with the mapping or an input found before any
// request (exit status 2). Problems are complete lines (file:line:col ...).
type InputError struct{ Problems []string }

func (e *InputError) Error() string { return strings.Join(e.Problems, "\n") }

// IncompleteError says the run stopped with writes in doubt or pending:
// running the same command again reconciles and finishes them.
type IncompleteError struct {
	InDoubt, Pending int
	Cause            error
	Hint             string // what to do, when not simply running again
}

func (e *IncompleteError) Error() string {
	s := "the run is not finished"
	if e.Cause != nil {
		s += ": " + e.Cause.Error()
	}
	if e.Hint != "" {
		return s + "; " + e.Hint
	}
	return s + "; " + itoa(e.InDoubt) + " writes in doubt and " + itoa(e.Pending) +
		" not sent yet: run the same command again to check them in Capsule and finish"
}

func (e *IncompleteError) Unwrap() error { return e.Cause }

func itoa(n int) string { return strconv.Itoa(n) }

// AccountFor is the journal identity of the account behind baseURL and
// token (the token itself is never stored).
func AccountFor(baseURL, token string) journal.Account {
	return journal.Account{BaseURL: baseURL, Token: token}
}
