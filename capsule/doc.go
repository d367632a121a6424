// Package capsule is the Capsule CRM API v2 client: the only way the rest of
// capsule-etl talks to Capsule. It paces requests against the hourly budget,
// retries only what is safe to retry, and reports every failure as a typed
// error.
//
// # Client
//
//	c, err := capsule.NewClient(
//		capsule.WithToken(os.Getenv("CAPSULE_TOKEN")), // or WithTokenSource(oauth2.TokenSource)
//		capsule.WithBaseURL(sandboxURL),                // default DefaultBaseURL
//		capsule.WithReserve(10),                        // % of the budget left unused (DefaultReserve, 0 to MaxReserve)
//		capsule.WithClock(clock),                       // Clock; NewSimClock in tests
//		capsule.WithHTTPClient(hc), capsule.WithUserAgent(ua), capsule.WithLogger(l),
//		capsule.WithRetry(attempts, backoff, maxBackoff),
//	)
//
// Services (receiver methods take ctx first and return (value, *Response,
// error)):
//
//	c.Parties, c.Opportunities, c.Projects (path kases, wrapper kase):
//	    Get(ctx, id, *GetOptions) (*T, ...)      GetMany(ctx, ids, *GetOptions) ([]T, ...) // <= MaxIDs, else ErrTooManyIDs unsent
//	    List(ctx, *ListOptions) ([]T, ...)       ListAll(ctx, *ListOptions) iter.Seq2[T, error]
//	    Create(ctx, *T) (*T, ...)                Update(ctx, id, *T) (*T, ...)   Delete(ctx, id) (*Response, error)
//	    Search(ctx, q, *ListOptions) / SearchAll  Filter(ctx, *Filter, *ListOptions) / FilterAll
//	    ListDeleted(ctx, since, *ListOptions) (*DeletedParties | *DeletedOpportunities | *DeletedKases, ...)
//	    Parties.ListPeople; Opportunities/Projects.AddParty, RemoveParty
//	c.Entries: Get, List, ListAll, ListFor(ctx, Entity, id, opts), ListAllFor, Create, Update, Delete
//	c.Tasks: Get, GetMany, List, ListAll (opts.Query "status"), Create, Update, Delete
//	c.Tags: List/ListAll/Get/Create/Delete(ctx, Entity, ...)      (tag definitions per entity)
//	c.Fields: List/ListAll/Get/Create/ListForTag(ctx, Entity, ...) (custom field definitions)
//	c.Pipelines: List, ListAll, Get, GetMany, Create
//	c.Milestones: List (legacy), ListForPipeline, ListAllForPipeline, Get, Create, Update, Delete
//	c.LostReasons: List, Get, Create, Update      c.Users: List, Current, Get, Update
//	c.Teams: List, Get     c.Countries.List   c.Currencies.List   c.Site.Get
//	c.Boards: List, ListAll, Get    c.Stages: List, ListAll, ListForBoard, Get
//	c.ActivityTypes: List, Get      c.Jobs.Get(ctx, idOrJobURL)
//
// Entity is EntityParties, EntityOpportunities or EntityKases. ListOptions
// carries Page, PerPage, Since, Embed and free Query parameters; ListAll
// iterators ask for MaxPerPage (100) items per page and follow the Link
// rel="next" URL (refusing URLs on another host, so the token stays with
// Capsule). Lower-level: c.NewRequest(ctx, method, path, body) and
// c.Do(ctx, req, v) (v: io.Writer for the raw body, or a JSON target).
//
// # Models
//
// One type per resource serves reads and writes (Party, Opportunity, Kase,
// Task, Entry, Tag, FieldDefinition, Pipeline, Milestone, LostReason, User,
// Team, Country, Currency, Board, Stage, ActivityType, Site, Job). Every field
// except ID is an Opt[T] (or slice / FieldValue / Raw) tagged omitzero:
//
//   - Opt has three states: absent (zero; the key is not sent), Null[T]()
//     (sent as null: clears the field) and Some(v). So a partial update sends
//     exactly the keys the caller set and never blanks anything else, and a
//     decoded response re-encodes with the same keys and explicit nulls.
//   - Child rows (EmailAddress, PhoneNumber, Address, Website, TagRef,
//     CustomField) follow Capsule's rules: no ID = add, ID + fields = update,
//     ID + Delete = remove ("_delete": true).
//   - CustomField.Value is a FieldValue: string, number, bool or null,
//     re-encoded in the JSON kind received (numbers come back as strings; use
//     Float()). StringValue, NumberValue, BoolValue, NullFieldValue build one.
//   - Links are nested refs: PartyRef, UserRef, Ref ({id, name}), TaskRef;
//     PartyID(id), UserID(id), RefID(id) build the {id} write form. An
//     embedded link (embed=organisation, party, opportunity) arrives as the
//     full record: PartyRef.Embedded / Ref.Embedded keep it (decode it into
//     Party or Opportunity) and it re-encodes as received.
//   - GetMany with one id reads the singular wrapper (that URL is the
//     single-record URL).
//   - Timestamp encodes "2006-01-02T15:04:05Z" (UTC); Date is YYYY-MM-DD.
//
// # Responses and errors
//
// Response embeds *http.Response and adds Rate{Limit, Remaining, Reset} from
// the X-RateLimit-* headers, NextURL and NextPage from Link. CheckResponse
// maps answers to errors, used with errors.As / errors.Is:
//
//   - *ErrorResponse: 4xx/5xx with Message, Errors []FieldError{Resource,
//     Field, Message} and, for 401/403, Authenticate (WWW-Authenticate).
//   - *RateLimitError{Rate, Reset}: a 429 that outlasted the client's waits.
//   - *AcceptedError{JobURL}: 202, work queued (e.g. a party delete).
//   - *InDoubtError (errors.Is(err, ErrInDoubt)): a write that may have been
//     stored: 5xx, timeout, connection lost after sending, or a 2xx whose
//     body was lost. It is never resent; reconcile before retrying.
//   - ErrTooManyIDs, ErrNoToken; ctx.Err() once the context is done.
//
// # Pacing and retries
//
// Each Client has one Pacer (c.Pacer()). It learns the budget from every
// response, never sends while the known budget less the reserve is spent
// and the window has not reset (it waits until X-RateLimit-Reset), runs at
// full speed when the declared remaining work (Pacer().SetPending(n)) fits
// the usable budget, and otherwise spreads the usable budget evenly over the
// time to reset (also when the work is not declared). While the budget is
// unknown (first call, just after a reset) one probe request goes alone. On
// 429 it waits until X-RateLimit-Reset (Capsule sends no Retry-After) and
// resends, reads and writes alike, since a 429 stored nothing (at most 5
// waits per call, then *RateLimitError). Reads are retried on 5xx and
// network errors with exponential backoff and jitter (DefaultMaxAttempts);
// writes are retried only when the connection was never made (dial errors).
// Nothing is retried after ctx is cancelled.
//
// Tokens never appear in errors, logs (WithLogger logs method, path, status,
// budget only) or when a Client is printed.
package capsule
