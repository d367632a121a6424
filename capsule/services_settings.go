package capsule

import (
	"context"
	"iter"
	"net/http"
	"strings"
)

// PipelinesService handles /pipelines.
type PipelinesService service

// List fetches one page (opts.Query "includeDeleted").
func (s *PipelinesService) List(ctx context.Context, opts *ListOptions) ([]Pipeline, *Response, error) {
	return listPage[Pipeline](ctx, s.client, http.MethodGet, withQuery("pipelines", opts.values()), "pipelines", nil)
}

// ListAll iterates over every pipeline.
func (s *PipelinesService) ListAll(ctx context.Context, opts *ListOptions) iter.Seq2[Pipeline, error] {
	return listAll[Pipeline](ctx, s.client, http.MethodGet, "pipelines", "pipelines", opts, nil)
}

// Get fetches one pipeline.
func (s *PipelinesService) Get(ctx context.Context, id int64) (*Pipeline, *Response, error) {
	return getOne[Pipeline](ctx, s.client, idPath("pipelines", id), "pipeline", nil)
}

// GetMany fetches up to MaxIDs pipelines.
func (s *PipelinesService) GetMany(ctx context.Context, ids []int64) ([]Pipeline, *Response, error) {
	return getMany[Pipeline](ctx, s.client, "pipelines", "pipeline", "pipelines", ids, nil)
}

// Create adds a pipeline (administrators; 30 active at most).
func (s *PipelinesService) Create(ctx context.Context, p *Pipeline) (*Pipeline, *Response, error) {
	return send(ctx, s.client, http.MethodPost, "pipelines", "pipeline", p)
}

// MilestonesService handles milestones.
type MilestonesService service

// List fetches the legacy /milestones list (oldest active pipeline only);
// prefer ListForPipeline.
func (s *MilestonesService) List(ctx context.Context, opts *ListOptions) ([]Milestone, *Response, error) {
	return listPage[Milestone](ctx, s.client, http.MethodGet, withQuery("milestones", opts.values()), "milestones", nil)
}

// ListForPipeline fetches one page of a pipeline's milestones.
func (s *MilestonesService) ListForPipeline(ctx context.Context, pipelineID int64, opts *ListOptions) ([]Milestone, *Response, error) {
	return listPage[Milestone](ctx, s.client, http.MethodGet, withQuery(idPath("pipelines", pipelineID)+"/milestones", opts.values()), "milestones", nil)
}

// ListAllForPipeline iterates over a pipeline's milestones.
func (s *MilestonesService) ListAllForPipeline(ctx context.Context, pipelineID int64) iter.Seq2[Milestone, error] {
	return listAll[Milestone](ctx, s.client, http.MethodGet, idPath("pipelines", pipelineID)+"/milestones", "milestones", nil, nil)
}

// Get fetches one milestone.
func (s *MilestonesService) Get(ctx context.Context, id int64) (*Milestone, *Response, error) {
	return getOne[Milestone](ctx, s.client, idPath("milestones", id), "milestone", nil)
}

// Create adds a milestone.
func (s *MilestonesService) Create(ctx context.Context, m *Milestone) (*Milestone, *Response, error) {
	return send(ctx, s.client, http.MethodPost, "milestones", "milestone", m)
}

// Update changes the fields set in m.
func (s *MilestonesService) Update(ctx context.Context, id int64, m *Milestone) (*Milestone, *Response, error) {
	return send(ctx, s.client, http.MethodPut, idPath("milestones", id), "milestone", m)
}

// Delete removes a milestone.
func (s *MilestonesService) Delete(ctx context.Context, id int64) (*Response, error) {
	return s.client.call(ctx, http.MethodDelete, idPath("milestones", id), nil, nil)
}

// LostReasonsService handles /lostreasons.
type LostReasonsService service

// List fetches the lost reasons.
func (s *LostReasonsService) List(ctx context.Context, opts *ListOptions) ([]LostReason, *Response, error) {
	return listPage[LostReason](ctx, s.client, http.MethodGet, withQuery("lostreasons", opts.values()), "lostReasons", nil)
}

// Get fetches one lost reason.
func (s *LostReasonsService) Get(ctx context.Context, id int64) (*LostReason, *Response, error) {
	return getOne[LostReason](ctx, s.client, idPath("lostreasons", id), "lostReason", nil)
}

// Create adds a lost reason (administrators).
func (s *LostReasonsService) Create(ctx context.Context, r *LostReason) (*LostReason, *Response, error) {
	return send(ctx, s.client, http.MethodPost, "lostreasons", "lostReason", r)
}

// Update changes the fields set in r.
func (s *LostReasonsService) Update(ctx context.Context, id int64, r *LostReason) (*LostReason, *Response, error) {
	return send(ctx, s.client, http.MethodPut, idPath("lostreasons", id), "lostReason", r)
}

// UsersService handles /users.
type UsersService service

// List fetches every user (not paginated; opts.Embed "party").
func (s *UsersService) List(ctx context.Context, opts *GetOptions) ([]User, *Response, error) {
	return listPage[User](ctx, s.client, http.MethodGet, withQuery("users", opts.values()), "users", nil)
}

// Current fetches the token's user.
func (s *UsersService) Current(ctx context.Context) (*User, *Response, error) {
	return getOne[User](ctx, s.client, "users/current", "user", nil)
}

// Get fetches one user.
func (s *UsersService) Get(ctx context.Context, id int64) (*User, *Response, error) {
	return getOne[User](ctx, s.client, idPath("users", id), "user", nil)
}

// Update changes a user's preferences.
func (s *UsersService) Update(ctx context.Context, id int64, u *User) (*User, *Response, error) {
	return send(ctx, s.client, http.MethodPut, idPath("users", id), "user", u)
}

// TeamsService handles /teams.
type TeamsService service

// List fetches every team (opts.Embed "memberships").
func (s *TeamsService) List(ctx context.Context, opts *GetOptions) ([]Team, *Response, error) {
	return listPage[Team](ctx, s.client, http.MethodGet, withQuery("teams", opts.values()), "teams", nil)
}

// Get fetches one team.
func (s *TeamsService) Get(ctx context.Context, id int64, opts *GetOptions) (*Team, *Response, error) {
	return getOne[Team](ctx, s.client, idPath("teams", id), "team", opts.values())
}

// CountriesService handles /countries.
type CountriesService service

// List fetches every country (same for every account).
func (s *CountriesService) List(ctx context.Context) ([]Country, *Response, error) {
	return listPage[Country](ctx, s.client, http.MethodGet, "countries", "countries", nil)
}

// CurrenciesService handles /currencies.
type CurrenciesService service

// List fetches every currency.
func (s *CurrenciesService) List(ctx context.Context) ([]Currency, *Response, error) {
	return listPage[Currency](ctx, s.client, http.MethodGet, "currencies", "currencies", nil)
}

// BoardsService handles project boards.
type BoardsService service

// List fetches one page (opts.Query "status", "q").
func (s *BoardsService) List(ctx context.Context, opts *ListOptions) ([]Board, *Response, error) {
	return listPage[Board](ctx, s.client, http.MethodGet, withQuery("boards", opts.values()), "boards", nil)
}

// ListAll iterates over every board matching opts.
func (s *BoardsService) ListAll(ctx context.Context, opts *ListOptions) iter.Seq2[Board, error] {
	return listAll[Board](ctx, s.client, http.MethodGet, "boards", "boards", opts, nil)
}

// Get fetches one board.
func (s *BoardsService) Get(ctx context.Context, id int64) (*Board, *Response, error) {
	return getOne[Board](ctx, s.client, idPath("boards", id), "board", nil)
}

// StagesService handles board stages.
type StagesService service

// List fetches one page of stages (opts.Query "status", "includeOnDeletedBoard").
func (s *StagesService) List(ctx context.Context, opts *ListOptions) ([]Stage, *Response, error) {
	return listPage[Stage](ctx, s.client, http.MethodGet, withQuery("stages", opts.values()), "stages", nil)
}

// ListAll iterates over every stage matching opts.
func (s *StagesService) ListAll(ctx context.Context, opts *ListOptions) iter.Seq2[Stage, error] {
	return listAll[Stage](ctx, s.client, http.MethodGet, "stages", "stages", opts, nil)
}

// ListForBoard fetches one page of a board's stages.
func (s *StagesService) ListForBoard(ctx context.Context, boardID int64, opts *ListOptions) ([]Stage, *Response, error) {
	return listPage[Stage](ctx, s.client, http.MethodGet, withQuery(idPath("boards", boardID)+"/stages", opts.values()), "stages", nil)
}

// Get fetches one stage.
func (s *StagesService) Get(ctx context.Context, id int64) (*Stage, *Response, error) {
	return getOne[Stage](ctx, s.client, idPath("stages", id), "stage", nil)
}

// ActivityTypesService handles /activitytypes.
type ActivityTypesService service

// List fetches one page of activity types.
func (s *ActivityTypesService) List(ctx context.Context, opts *ListOptions) ([]ActivityType, *Response, error) {
	return listPage[ActivityType](ctx, s.client, http.MethodGet, withQuery("activitytypes", opts.values()), "activityTypes", nil)
}

// Get fetches one activity type.
func (s *ActivityTypesService) Get(ctx context.Context, id int64) (*ActivityType, *Response, error) {
	return getOne[ActivityType](ctx, s.client, idPath("activitytypes", id), "activityType", nil)
}

// SiteService handles /site.
type SiteService service

// Get fetches the account's site.
func (s *SiteService) Get(ctx context.Context) (*Site, *Response, error) {
	return getOne[Site](ctx, s.client, "site", "site", nil)
}

// JobsService handles /jobs (queued work after a 202).
type JobsService service

// Get fetches a job by id or by the JobURL of an *AcceptedError.
func (s *JobsService) Get(ctx context.Context, idOrURL string) (*Job, *Response, error) {
	id := idOrURL[strings.LastIndexByte(idOrURL, '/')+1:]
	return getOne[Job](ctx, s.client, "jobs/"+id, "job", nil)
}
