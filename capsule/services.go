package capsule

import (
	"context"
	"iter"
	"net/http"
)

// EntriesService handles /entries (notes, emails, task records).
type EntriesService service

// Get fetches one entry.
func (s *EntriesService) Get(ctx context.Context, id int64, opts *GetOptions) (*Entry, *Response, error) {
	return getOne[Entry](ctx, s.client, idPath("entries", id), "entry", opts.values())
}

// List fetches one page of all entries, newest first.
func (s *EntriesService) List(ctx context.Context, opts *ListOptions) ([]Entry, *Response, error) {
	return listPage[Entry](ctx, s.client, http.MethodGet, withQuery("entries", opts.values()), "entries", nil)
}

// ListAll iterates over all entries, newest first.
func (s *EntriesService) ListAll(ctx context.Context, opts *ListOptions) iter.Seq2[Entry, error] {
	return listAll[Entry](ctx, s.client, http.MethodGet, "entries", "entries", opts, nil)
}

// ListFor fetches one page of the entries of one record (perPage at most 50).
func (s *EntriesService) ListFor(ctx context.Context, e Entity, id int64, opts *ListOptions) ([]Entry, *Response, error) {
	return listPage[Entry](ctx, s.client, http.MethodGet, withQuery(idPath(string(e), id)+"/entries", opts.values()), "entries", nil)
}

// ListAllFor iterates over the entries of one record, 50 per page.
func (s *EntriesService) ListAllFor(ctx context.Context, e Entity, id int64, opts *ListOptions) iter.Seq2[Entry, error] {
	o := ListOptions{}
	if opts != nil {
		o = *opts
	}
	if o.PerPage == 0 || o.PerPage > 50 {
		o.PerPage = 50 // Capsule caps per-record entry pages at 50
	}
	return listAll[Entry](ctx, s.client, http.MethodGet, idPath(string(e), id)+"/entries", "entries", &o, nil)
}

// Create adds a note linked to exactly one party, opportunity or kase.
func (s *EntriesService) Create(ctx context.Context, e *Entry) (*Entry, *Response, error) {
	return send(ctx, s.client, http.MethodPost, "entries", "entry", e)
}

// Update changes the fields set in e.
func (s *EntriesService) Update(ctx context.Context, id int64, e *Entry) (*Entry, *Response, error) {
	return send(ctx, s.client, http.MethodPut, idPath("entries", id), "entry", e)
}

// Delete removes an entry.
func (s *EntriesService) Delete(ctx context.Context, id int64) (*Response, error) {
	return s.client.call(ctx, http.MethodDelete, idPath("entries", id), nil, nil)
}

// TasksService handles /tasks.
type TasksService service

// Get fetches one task.
func (s *TasksService) Get(ctx context.Context, id int64, opts *GetOptions) (*Task, *Response, error) {
	return getOne[Task](ctx, s.client, idPath("tasks", id), "task", opts.values())
}

// GetMany fetches up to MaxIDs tasks.
func (s *TasksService) GetMany(ctx context.Context, ids []int64, opts *GetOptions) ([]Task, *Response, error) {
	return getMany[Task](ctx, s.client, "tasks", "task", "tasks", ids, opts.values())
}

// List fetches one page; Capsule returns open tasks unless
// opts.Query["status"] says otherwise (e.g. "open,completed,pending").
func (s *TasksService) List(ctx context.Context, opts *ListOptions) ([]Task, *Response, error) {
	return listPage[Task](ctx, s.client, http.MethodGet, withQuery("tasks", opts.values()), "tasks", nil)
}

// ListAll iterates over every task matching opts.
func (s *TasksService) ListAll(ctx context.Context, opts *ListOptions) iter.Seq2[Task, error] {
	return listAll[Task](ctx, s.client, http.MethodGet, "tasks", "tasks", opts, nil)
}

// Create stores a new task (description and dueOn are required).
func (s *TasksService) Create(ctx context.Context, t *Task) (*Task, *Response, error) {
	return send(ctx, s.client, http.MethodPost, "tasks", "task", t)
}

// Update changes the fields set in t (status COMPLETED completes it).
func (s *TasksService) Update(ctx context.Context, id int64, t *Task) (*Task, *Response, error) {
	return send(ctx, s.client, http.MethodPut, idPath("tasks", id), "task", t)
}

// Delete removes a task.
func (s *TasksService) Delete(ctx context.Context, id int64) (*Response, error) {
	return s.client.call(ctx, http.MethodDelete, idPath("tasks", id), nil, nil)
}

// TagsService handles the tag definitions of each entity (/{entity}/tags).
// Tags are put on records through the record's Tags field.
type TagsService service

// List fetches one page of tag definitions.
func (s *TagsService) List(ctx context.Context, e Entity, opts *ListOptions) ([]Tag, *Response, error) {
	return listPage[Tag](ctx, s.client, http.MethodGet, withQuery(string(e)+"/tags", opts.values()), "tags", nil)
}

// ListAll iterates over every tag definition of e.
func (s *TagsService) ListAll(ctx context.Context, e Entity, opts *ListOptions) iter.Seq2[Tag, error] {
	return listAll[Tag](ctx, s.client, http.MethodGet, string(e)+"/tags", "tags", opts, nil)
}

// Get fetches one tag definition.
func (s *TagsService) Get(ctx context.Context, e Entity, id int64) (*Tag, *Response, error) {
	return getOne[Tag](ctx, s.client, idPath(string(e)+"/tags", id), "tag", nil)
}

// Create defines a tag (DataTag true groups custom fields).
func (s *TagsService) Create(ctx context.Context, e Entity, t *Tag) (*Tag, *Response, error) {
	return send(ctx, s.client, http.MethodPost, string(e)+"/tags", "tag", t)
}

// Delete removes a tag from every record (204, or *AcceptedError if queued).
func (s *TagsService) Delete(ctx context.Context, e Entity, id int64) (*Response, error) {
	return s.client.call(ctx, http.MethodDelete, idPath(string(e)+"/tags", id), nil, nil)
}

// FieldsService handles custom field definitions (/{entity}/fields/definitions).
// Values are set through the record's Fields.
type FieldsService service

// List fetches one page of definitions.
func (s *FieldsService) List(ctx context.Context, e Entity, opts *ListOptions) ([]FieldDefinition, *Response, error) {
	return listPage[FieldDefinition](ctx, s.client, http.MethodGet, withQuery(string(e)+"/fields/definitions", opts.values()), "definitions", nil)
}

// ListAll iterates over every definition of e.
func (s *FieldsService) ListAll(ctx context.Context, e Entity, opts *ListOptions) iter.Seq2[FieldDefinition, error] {
	return listAll[FieldDefinition](ctx, s.client, http.MethodGet, string(e)+"/fields/definitions", "definitions", opts, nil)
}

// Get fetches one definition.
func (s *FieldsService) Get(ctx context.Context, e Entity, id int64) (*FieldDefinition, *Response, error) {
	return getOne[FieldDefinition](ctx, s.client, idPath(string(e)+"/fields/definitions", id), "definition", nil)
}

// Create defines a custom field.
func (s *FieldsService) Create(ctx context.Context, e Entity, d *FieldDefinition) (*FieldDefinition, *Response, error) {
	return send(ctx, s.client, http.MethodPost, string(e)+"/fields/definitions", "definition", d)
}

// ListForTag lists the definitions of one data tag.
func (s *FieldsService) ListForTag(ctx context.Context, e Entity, tagID int64) ([]FieldDefinition, *Response, error) {
	return listPage[FieldDefinition](ctx, s.client, http.MethodGet, idPath(string(e)+"/tags", tagID)+"/definitions", "definitions", nil)
}

func (c *Client) initServices() {
	c.Parties = &PartiesService{records[Party, DeletedParties]{c, EntityParties, "party", "parties"}}
	c.Opportunities = &OpportunitiesService{records[Opportunity, DeletedOpportunities]{c, EntityOpportunities, "opportunity", "opportunities"}}
	c.Projects = &ProjectsService{records[Kase, DeletedKases]{c, EntityKases, "kase", "kases"}}
	c.Entries = (*EntriesService)(&c.common)
	c.Tasks = (*TasksService)(&c.common)
	c.Tags = (*TagsService)(&c.common)
	c.Fields = (*FieldsService)(&c.common)
	c.Pipelines = (*PipelinesService)(&c.common)
	c.Milestones = (*MilestonesService)(&c.common)
	c.LostReasons = (*LostReasonsService)(&c.common)
	c.Users = (*UsersService)(&c.common)
	c.Teams = (*TeamsService)(&c.common)
	c.Countries = (*CountriesService)(&c.common)
	c.Currencies = (*CurrenciesService)(&c.common)
	c.Boards = (*BoardsService)(&c.common)
	c.Stages = (*StagesService)(&c.common)
	c.ActivityTypes = (*ActivityTypesService)(&c.common)
	c.Site = (*SiteService)(&c.common)
	c.Jobs = (*JobsService)(&c.common)
	c.RestHooks = (*RestHooksService)(&c.common)
}
