package journal

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// DefaultBatchSize is how many settled operations a Batch holds before it
// commits on its own.
const DefaultBatchSize = 64

// Batch group-commits done and failed markers: one fsync for many writes.
//
// Why this is safe: a marker that is lost in a crash leaves its operation in
// `sending`, and a sending operation is reconciled on resume, never resent
// blindly. Losing a failed marker costs one more 4xx at worst. Losing a done
// marker is safe only when reconciliation can find what was written:
// updates and deletes are idempotent, and a create can be found again if it
// has a natural key (see Op.Reconcilable). Done on a create without one is
// therefore never held back: it commits at once, together with everything
// queued before it.
//
// MarkSending is deliberately not batched: it must be on disk before the
// request leaves. Flush before Run.Finish and before the process exits
// (SIGINT included). A Batch is safe for concurrent use.
type Batch struct {
	r     *Run
	size  int
	mu    sync.Mutex
	items []settle
}

type settle struct {
	id        int64
	capsuleID string // done when set
	msg       string // failed otherwise
}

// NewBatch returns a batch that commits every size markers (DefaultBatchSize
// when size < 1).
func (r *Run) NewBatch(size int) *Batch {
	if size < 1 {
		size = DefaultBatchSize
	}
	return &Batch{r: r, size: size}
}

// Done queues a done marker for op; see Batch for when it commits at once.
func (b *Batch) Done(ctx context.Context, op Op, capsuleID string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.items = append(b.items, settle{id: op.ID, capsuleID: capsuleID})
	if !op.Reconcilable() || len(b.items) >= b.size {
		return b.flush(ctx)
	}
	return nil
}

// Failed queues a failed marker.
func (b *Batch) Failed(ctx context.Context, id int64, msg string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.items = append(b.items, settle{id: id, msg: msg})
	if len(b.items) >= b.size {
		return b.flush(ctx)
	}
	return nil
}

// Len is the number of markers not yet committed.
func (b *Batch) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.items)
}

// Flush commits every queued marker in one transaction. On error nothing of
// the batch is committed; the markers stay queued, except one the protocol
// refuses (*TransitionError, ErrNotFound), which is dropped so that it
// cannot block the others.
func (b *Batch) Flush(ctx context.Context) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.flush(ctx)
}

func (b *Batch) flush(ctx context.Context) error {
	if len(b.items) == 0 {
		return nil
	}
	bad := -1
	err := b.r.j.write(ctx, func(tx *sql.Tx) error {
		for i, it := range b.items {
			bad = i
			var err error
			if it.capsuleID != "" {
				err = b.r.markDone(ctx, tx, it.id, it.capsuleID)
			} else {
				err = b.r.markFailed(ctx, tx, it.id, it.msg)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		var te *TransitionError
		if errors.As(err, &te) || errors.Is(err, ErrNotFound) {
			b.items = append(b.items[:bad], b.items[bad+1:]...)
		}
		return err
	}
	b.items = b.items[:0]
	return nil
}
