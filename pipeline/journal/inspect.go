package journal

import "context"

// RunOps lists the operations of run id in the given states (all when
// none), in planning order, without a *Run handle: `runs show` and rollback
// read finished or abandoned runs this way (WithoutLock is fine).
func (j *Journal) RunOps(ctx context.Context, runID int64, states ...State) ([]Op, error) {
	ri, err := j.GetRun(ctx, runID)
	if err != nil {
		return nil, err
	}
	r := &Run{RunInfo: ri, j: j}
	return r.Ops(ctx, states...)
}
