package capsule

import (
	"context"
	"iter"
	"net/http"
	"net/url"
	"time"
)

// records holds the endpoints parties, opportunities and kases share. The
// three services embed it, so they all read the same.
type records[T, D any] struct {
	client    *Client
	path      Entity // "parties"
	one, many string // wrapper keys: "party", "parties"
}

// Get fetches one record.
func (s *records[T, D]) Get(ctx context.Context, id int64, opts *GetOptions) (*T, *Response, error) {
	return getOne[T](ctx, s.client, idPath(string(s.path), id), s.one, opts.values())
}

// GetMany fetches up to MaxIDs records in one call (404 if any is missing);
// more ids fail with ErrTooManyIDs before anything is sent.
func (s *records[T, D]) GetMany(ctx context.Context, ids []int64, opts *GetOptions) ([]T, *Response, error) {
	return getMany[T](ctx, s.client, string(s.path), s.one, s.many, ids, opts.values())
}

// List fetches one page.
func (s *records[T, D]) List(ctx context.Context, opts *ListOptions) ([]T, *Response, error) {
	return listPage[T](ctx, s.client, http.MethodGet, withQuery(string(s.path), opts.values()), s.many, nil)
}

// ListAll iterates over every record, 100 per page (opts: Since, Embed).
func (s *records[T, D]) ListAll(ctx context.Context, opts *ListOptions) iter.Seq2[T, error] {
	return listAll[T](ctx, s.client, http.MethodGet, string(s.path), s.many, opts, nil)
}

// Create stores a new record (201) and returns it as stored.
func (s *records[T, D]) Create(ctx context.Context, v *T) (*T, *Response, error) {
	return send(ctx, s.client, http.MethodPost, string(s.path), s.one, v)
}

// Update changes only the fields set in v (a partial PUT) and returns the
// whole record.
func (s *records[T, D]) Update(ctx context.Context, id int64, v *T) (*T, *Response, error) {
	return send(ctx, s.client, http.MethodPut, idPath(string(s.path), id), s.one, v)
}

// Delete removes a record (204); a queued delete returns *AcceptedError.
func (s *records[T, D]) Delete(ctx context.Context, id int64) (*Response, error) {
	return s.client.call(ctx, http.MethodDelete, idPath(string(s.path), id), nil, nil)
}

// Search runs the app's global search (q: name, phone, postcode, ...).
func (s *records[T, D]) Search(ctx context.Context, q string, opts *ListOptions) ([]T, *Response, error) {
	v := opts.values()
	v.Set("q", q)
	return listPage[T](ctx, s.client, http.MethodGet, withQuery(string(s.path)+"/search", v), s.many, nil)
}

// SearchAll iterates over every search result.
func (s *records[T, D]) SearchAll(ctx context.Context, q string, opts *ListOptions) iter.Seq2[T, error] {
	o := ListOptions{}
	if opts != nil {
		o = *opts
	}
	o.Query = url.Values{"q": {q}}
	for k, v := range opts.values() {
		if k != "page" && k != "perPage" && k != "since" && k != "embed" {
			o.Query[k] = v
		}
	}
	return listAll[T](ctx, s.client, http.MethodGet, string(s.path)+"/search", s.many, &o, nil)
}

// Filter runs a structured query (POST .../filters/results), one page.
func (s *records[T, D]) Filter(ctx context.Context, f *Filter, opts *ListOptions) ([]T, *Response, error) {
	return listPage[T](ctx, s.client, http.MethodPost,
		withQuery(string(s.path)+"/filters/results", opts.values()), s.many, envelope{"filter", f})
}

// FilterAll iterates over every filter result.
func (s *records[T, D]) FilterAll(ctx context.Context, f *Filter, opts *ListOptions) iter.Seq2[T, error] {
	return listAll[T](ctx, s.client, http.MethodPost, string(s.path)+"/filters/results", s.many, opts, envelope{"filter", f})
}

// ListDeleted returns records deleted (or made invisible) after since.
func (s *records[T, D]) ListDeleted(ctx context.Context, since time.Time, opts *ListOptions) (*D, *Response, error) {
	o := ListOptions{}
	if opts != nil {
		o = *opts
	}
	o.Since = since
	d := new(D)
	resp, err := s.client.call(ctx, http.MethodGet, withQuery(string(s.path)+"/deleted", o.values()), nil, d)
	if err != nil {
		return nil, resp, err
	}
	return d, resp, nil
}

// Filter is a structured query: conditions are ANDed.
type Filter struct {
	Conditions []Condition `json:"conditions"`
	OrderBy    []OrderBy   `json:"orderBy,omitzero"`
}

// Condition is one filter test, e.g. {"field": "email", "operator": "is",
// "value": "a@b.c"}. Filter field names differ from response names
// (addedOn, updatedOn, lastContactedOn, custom:{id}).
type Condition struct {
	Field    string `json:"field"`
	Operator string `json:"operator"`
	Value    any    `json:"value"`
}

// OrderBy sorts filter results (direction "ascending" or "descending").
type OrderBy struct {
	Field     string `json:"field"`
	Direction string `json:"direction"`
}

// PartiesService handles /parties (people and organisations).
type PartiesService struct {
	records[Party, DeletedParties]
}

// ListPeople lists the people of an organisation.
func (s *PartiesService) ListPeople(ctx context.Context, orgID int64, opts *ListOptions) ([]Party, *Response, error) {
	return listPage[Party](ctx, s.client, http.MethodGet, withQuery(idPath("parties", orgID)+"/people", opts.values()), "parties", nil)
}

// OpportunitiesService handles /opportunities.
type OpportunitiesService struct {
	records[Opportunity, DeletedOpportunities]
}

// ProjectsService handles projects, at /kases with the "kase" wrapper.
type ProjectsService struct {
	records[Kase, DeletedKases]
}

// linkParty and unlinkParty add and remove additional parties (204).
func linkParty(ctx context.Context, c *Client, method string, path Entity, id, partyID int64) (*Response, error) {
	return c.call(ctx, method, idPath(idPath(string(path), id)+"/parties", partyID), nil, nil)
}

// AddParty links an additional party to an opportunity.
func (s *OpportunitiesService) AddParty(ctx context.Context, id, partyID int64) (*Response, error) {
	return linkParty(ctx, s.client, http.MethodPost, s.path, id, partyID)
}

// RemoveParty unlinks an additional party from an opportunity.
func (s *OpportunitiesService) RemoveParty(ctx context.Context, id, partyID int64) (*Response, error) {
	return linkParty(ctx, s.client, http.MethodDelete, s.path, id, partyID)
}

// AddParty links an additional party to a project.
func (s *ProjectsService) AddParty(ctx context.Context, id, partyID int64) (*Response, error) {
	return linkParty(ctx, s.client, http.MethodPost, s.path, id, partyID)
}

// RemoveParty unlinks an additional party from a project.
func (s *ProjectsService) RemoveParty(ctx context.Context, id, partyID int64) (*Response, error) {
	return linkParty(ctx, s.client, http.MethodDelete, s.path, id, partyID)
}
