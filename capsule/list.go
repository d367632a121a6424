package capsule

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// MaxPerPage is Capsule's page size limit; the ListAll iterators use it.
const MaxPerPage = 100

// MaxIDs is the most ids one show-multiple call accepts.
const MaxIDs = 10

// Entity names a record type that owns tags, fields and filters.
type Entity string

// Entities with tags, custom fields, filters and search.
const (
	EntityParties       Entity = PathParties
	EntityOpportunities Entity = PathOpportunities
	EntityKases         Entity = PathKases
)

// ListOptions are the query parameters of list, search and filter calls.
type ListOptions struct {
	Page    int        // 1-based; 0 = first
	PerPage int        // 1-100; 0 = Capsule's default (50), ListAll uses 100
	Since   time.Time  // only records changed after this instant (parties, opportunities, kases, tasks)
	Embed   []string   // extra data: tags, fields, party, ...
	Query   url.Values // other parameters (status, includeDeleted, ...)
}

func (o *ListOptions) values() url.Values {
	q := url.Values{}
	if o == nil {
		return q
	}
	for k, v := range o.Query {
		q[k] = append([]string(nil), v...)
	}
	if o.Page > 0 {
		q.Set("page", strconv.Itoa(o.Page))
	}
	if o.PerPage > 0 {
		q.Set("perPage", strconv.Itoa(o.PerPage))
	}
	if !o.Since.IsZero() {
		q.Set("since", o.Since.UTC().Format(TimestampLayout))
	}
	if len(o.Embed) > 0 {
		q.Set("embed", strings.Join(o.Embed, ","))
	}
	return q
}

// GetOptions are the query parameters of single-record reads.
type GetOptions struct {
	Embed []string
}

func (o *GetOptions) values() url.Values {
	q := url.Values{}
	if o != nil && len(o.Embed) > 0 {
		q.Set("embed", strings.Join(o.Embed, ","))
	}
	return q
}

func withQuery(path string, q url.Values) string {
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

// call is the one request helper behind every service method.
func (c *Client) call(ctx context.Context, method, path string, body, out any) (*Response, error) {
	req, err := c.NewRequest(ctx, method, path, body)
	if err != nil {
		return nil, err
	}
	return c.Do(ctx, req, out)
}

func getOne[T any](ctx context.Context, c *Client, path, key string, q url.Values) (*T, *Response, error) {
	v := new(T)
	resp, err := c.call(ctx, http.MethodGet, withQuery(path, q), nil, envelope{key, v})
	if err != nil {
		return nil, resp, err
	}
	return v, resp, nil
}

func listPage[T any](ctx context.Context, c *Client, method, path, key string, body any) ([]T, *Response, error) {
	var items []T
	resp, err := c.call(ctx, method, path, body, envelope{key, &items})
	if err != nil {
		return nil, resp, err
	}
	return items, resp, nil
}

func send[T any](ctx context.Context, c *Client, method, path, key string, in *T) (*T, *Response, error) {
	out := new(T)
	resp, err := c.call(ctx, method, path, envelope{key, in}, envelope{key, out})
	if err != nil {
		return nil, resp, err
	}
	return out, resp, nil
}

// listAll walks every page from path by following Link rel="next"; the
// next URL already carries the query, and a POST (filters) resends body.
func listAll[T any](ctx context.Context, c *Client, method, path, key string, opts *ListOptions, body any) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		q := opts.values()
		if q.Get("perPage") == "" {
			q.Set("perPage", strconv.Itoa(MaxPerPage))
		}
		next := withQuery(path, q)
		for next != "" {
			items, resp, err := listPage[T](ctx, c, method, next, key, body)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
			}
			next = resp.NextURL
		}
	}
}

// getMany is show-multiple. With one id the URL is the single-record URL,
// which Capsule answers with the singular wrapper (doc section 3.5 only
// promises the list wrapper for a comma-separated list), so that case reads
// the singular key.
func getMany[T any](ctx context.Context, c *Client, base, one, many string, ids []int64, q url.Values) ([]T, *Response, error) {
	p, err := idsPath(base, ids)
	if err != nil {
		return nil, nil, err
	}
	if len(ids) == 1 {
		v, resp, err := getOne[T](ctx, c, p, one, q)
		if err != nil {
			return nil, resp, err
		}
		return []T{*v}, resp, nil
	}
	return listPage[T](ctx, c, http.MethodGet, withQuery(p, q), many, nil)
}

func idsPath(base string, ids []int64) (string, error) {
	if len(ids) == 0 {
		return "", errorf("%s: no ids given", base)
	}
	if len(ids) > MaxIDs {
		return "", fmt.Errorf("%s: %d ids: %w", base, len(ids), ErrTooManyIDs)
	}
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return base + "/" + strings.Join(parts, ","), nil
}

func idPath(base string, id int64) string { return base + "/" + strconv.FormatInt(id, 10) }
