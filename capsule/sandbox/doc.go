// Package sandbox is a local stand-in for the Capsule CRM REST API v2, for
// demos, rehearsals and tests. It follows ../shared/docs/capsule-api-v2.md
// (section 24 is the checklist) and answers with the key sets and explicit
// nulls of the responses recorded from the real API.
//
// # Go API
//
//	srv := sandbox.New(opts ...sandbox.Option) *sandbox.Server   // an http.Handler
//	srv.Err() error            // seed/data file load error, or last save error
//	srv.Stats() sandbox.Stats  // same numbers as GET /_sandbox/stats
//	srv.Reset()                // same as POST /_sandbox/reset
//	run, err := sandbox.Start(ctx, "127.0.0.1:0", opts...) // run.URL ends in /api/v2; run.Close()
//	seed, err := sandbox.LoadSeed(path)
//
// In tests wrap the handler: hs := httptest.NewServer(sandbox.New(...)); the
// API base URL is hs.URL + sandbox.APIPrefix and the token DefaultToken.
//
// Options: WithToken(s) (default DefaultToken "sandbox-token"; the seed's
// first user), WithReadOnlyToken(s) (reads only; writes get 403),
// WithRateLimit(n, per) (default 4000 per hour, fixed windows aligned on
// multiples of per since the epoch, per token), WithLatency(d),
// WithFaultRate(f), WithDropRate(f), WithSeed(Seed), WithSeedFile(path),
// WithDataFile(path), WithClock(func() time.Time), WithRand(*rand.Rand).
//
// # Behaviour
//
// Everything lives under /api/v2 and needs "Authorization: Bearer <token>"
// (401 with WWW-Authenticate otherwise; a read-only token's writes get 403,
// also with WWW-Authenticate). Every authenticated response carries
// X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset (epoch
// seconds); a spent window answers 429 {"error": "rate limit reached"}.
//
// Records: parties (person/organisation, with phoneNumbers, emailAddresses,
// addresses, websites, tags, fields), opportunities, kases, tasks, entries
// (notes only, exactly one link). Per entity (parties, opportunities, kases):
// /{e}/search?q=, /{e}/deleted?since= (required), /{e}/tags,
// /{e}/tags/{id}/definitions, /{e}/fields/definitions,
// POST /{e}/filters/results, /{e}/{id}/entries, show-multiple /{e}/1,2,3
// (at most 10 ids; any unknown id gives 404). Parties also have
// /parties/{id}/people, /opportunities and /kases; opportunities and kases
// have additional parties (GET /{e}/{id}/parties, POST and DELETE
// /{e}/{id}/parties/{partyId}, 204) and /opportunities/{id}/kases. Reference data: users
// (+ /users/current), teams, pipelines (+ /pipelines/{id}/milestones;
// POST /pipelines, at most 30), milestones (POST, PUT, DELETE; a new
// milestone's "pipeline" defaults to the oldest), lostreasons (POST, PUT),
// categories, boards (+ /boards/{id}/stages), stages,
// activitytypes (built-ins -1 Note, -2 Meeting, -3 Call, -4 Task completed),
// countries (ISO 3166 from golang.org/x/text; addresses accept names, aliases
// such as USA or UK, alpha-2 and alpha-3 codes and store the name),
// currencies, site, jobs.
//
// Writes: create answers 201 with Location; PUT is partial; child rows follow
// Capsule's rules (no id appends, id updates, id + "_delete": true removes,
// "_destroy" is ignored, [] changes nothing); tags attach by name
// (case-insensitive, created on first use) or id; custom fields by
// definition id or name, numbers are returned as strings, list values must
// be options, booleans refuse null. Validation failures answer 422
// {"message": "Validation Failed", "errors": [{"message", "resource", "field"}]};
// unknown ids 404 {"message": "Could not find resource"}; wrong verbs 405
// {"message": "Method not allowed"}. Owners default to the token's user.
// Deleting a party deletes its opportunities, kases, tasks and entries and
// records deletions for the deleted feeds; people of a deleted organisation
// are unlinked. Ids increase monotonically across all records.
//
// Lists take page and perPage (default 50, 1..100, otherwise 422; entries of
// one record at most 50) and advertise Link rel="next"/rel="prev" as absolute
// URLs on the base the request came to. since keeps records whose updatedAt
// is strictly after it; both have second precision (timestamps are written
// 2006-01-02T15:04:05Z), so a record changed in the same second as a since
// bookmark is not returned again: clients should bookmark the time of
// their request minus one second, or the highest updatedAt minus one second.
// tags, fields and missingImportantFields appear only when embedded;
// embed=organisation replaces a person's organisation stub with the full
// record, embed=party/opportunity do the same on opportunities and kases;
// unknown embed tokens are ignored.
//
// Filters (AND of conditions) know, for parties: id, name, jobTitle, email,
// phone, city, zip, state, country, type, tag, owner, team, hasEmailAddress,
// hasPhoneNumber, hasAddress, hasTags, addedOn, updatedOn, org.name, org.tag,
// custom:{id}; opportunities: id, name, milestone, pipeline, probability,
// expectedValue, currency, tag, owner, isOpen, hasTags, addedOn, updatedOn,
// closedOn, expectedCloseOn, custom:{id}; kases: id, name, status, stage,
// board, tag, owner, team, isOpen, hasTags, addedOn, updatedOn, closedOn,
// expectedCloseOn, custom:{id}. Operators: is, is not, contains, starts with,
// ends with (text); is greater than, is less than (numbers); is after, is
// before, is older than, is within last, is within next (dates). Other
// field names give 422 "invalid field name".
//
// # Faults
//
// WithLatency delays every API request. WithFaultRate(f): fraction f of
// writes fail; half answer 503 before the write is applied, half answer 500
// after it was applied. WithDropRate(f): fraction f of writes are applied and
// the connection is then closed without a response. Reads are never faulted.
// Use WithRand(rand.New(rand.NewPCG(1, 2))) for a repeatable sequence.
// faults_injected in the stats counts both kinds.
//
// # OAuth 2
//
// Outside /api/v2, like Capsule: GET /oauth/authorise approves at once
// (no login page) and redirects to redirect_uri with code and state (or
// error=...); a bad redirect_uri gets 400 instead. POST /oauth/token
// (form) takes grant_type=authorization_code (client_id and redirect_uri
// must match the authorisation, code_verifier must match an S256
// code_challenge when one was given; codes are single-use, 10 minutes) and
// grant_type=refresh_token (rotated: the old refresh token is spent), and
// answers {access_token, token_type "bearer", expires_in, refresh_token,
// scope "read write", subdomain}. Issued access tokens authenticate as the
// seed's first user until they expire (WithOAuthTokenLifetime, default
// DefaultOAuthLifetime, 604799 s). POST /oauth/token/revoke (token=...)
// revokes an access token, or a refresh token and every access token.
//
// # Inspection
//
// Outside /api/v2 and without auth: GET /_sandbox/stats returns
//
//	{"requests": {"GET": n, "POST": n, "PUT": n, "DELETE": n},
//	 "routes": {"POST /parties": n, "PUT /parties/{id}": n, ...},
//	 "rate_limited": n, "faults_injected": n,
//	 "records": {"parties": n, "opportunities": n, "kases": n, "entries": n, "tasks": n}}
//
// and POST /_sandbox/reset returns the data to the seed and zeroes the stats.
//
// # Seed file
//
// WithSeedFile / --seed reads JSON of this shape (every key optional; empty
// lists fall back to the built-in defaults; ids of 0 are assigned):
//
//	{
//	  "site": {"name": "Sandbox Ltd", "subdomain": "sandbox"},
//	  "users": [{"id": 0, "username": "sandbox", "name": "Sandbox User", "token": "optional-extra-token"}],
//	  "teams": [{"name": "Sales", "members": [1]}],
//	  "pipelines": [{"name": "Sales", "milestones": [
//	     {"name": "New", "probability": 10, "daysUntilStale": 14},
//	     {"name": "Won", "probability": 100, "complete": true},
//	     {"name": "Lost", "probability": 0, "complete": true}]}],
//	  "boards": [{"name": "Projects", "stages": [{"name": "Brief"}, {"name": "Done"}]}],
//	  "lostReasons": [{"name": "Price"}],
//	  "categories": [{"name": "Call"}],
//	  "fields": [{"entity": "parties", "name": "Tier", "type": "list", "options": ["Gold", "Silver"],
//	              "captureRule": "organisation", "important": false, "tag": "optional data tag name"}]
//	}
//
// The first user is the one the main token (WithToken) authenticates as.
// The built-in seed has that user, a "Sales" pipeline with open milestones
// and closing Won (100) and Lost (0), a "Projects" board with four stages,
// three lost reasons and three task categories.
//
// # Data file
//
// WithDataFile(path) loads the state from path when it exists and rewrites
// it after every successful write (temp file, fsync, rename). It is JSON
// private to this package.
package sandbox
