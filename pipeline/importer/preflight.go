package importer

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/capsule-etl/capsule-etl/capsule"
	"github.com/capsule-etl/capsule-etl/mappings"
)

// refData is the account's reference data the rows are resolved against.
type refData struct {
	userID     string            // the token's user
	users      map[string]string // lower name, username, email -> id
	milestones map[string]string // lower pipeline + "\x00" + lower milestone -> id
	closing    map[string]string // closing milestones (complete: Won, Lost): id -> their probability
	pipelines  map[string]bool
	teams      map[string]string
	lostReason map[string]string
	categories map[string]string
	fields     map[string]map[string]*fieldDef // collection -> lower name -> definition
}

type fieldDef struct {
	ID      string
	Name    string
	Type    string
	Options []string
}

// PreflightError lists every problem found against the account before any
// write. Nothing was sent when it is returned.
type PreflightError struct{ Problems []string }

func (e *PreflightError) Error() string {
	return "the account does not fit the mapping (nothing was written):\n  " + strings.Join(e.Problems, "\n  ")
}

type named struct {
	ID       json.Number `json:"id"`
	Name     string      `json:"name"`
	Username string      `json:"username"`
	Email    string      `json:"email"`
	Type     string      `json:"type"`
	Options  []string    `json:"options"`
	Complete bool        `json:"complete"`    // milestones: a closing one (Won, Lost)
	Prob     json.Number `json:"probability"` // milestones
}

// preflight reads the reference data the mapping needs: users, pipelines
// and milestones, teams, lost reasons, categories and custom field
// definitions of each collection used, and checks the custom fields used.
//
// With createFields, missing custom fields are created (type from the
// first value: number, boolean, date or text) instead of reported; a dry
// run only lists them in created. Creating is safe to repeat: the next
// run finds the definition by name before writing anything.
func preflight(ctx context.Context, a *api, need *needs, createFields, dry bool) (rd *refData, created []string, err error) {
	rd = &refData{users: map[string]string{}, milestones: map[string]string{}, closing: map[string]string{}, pipelines: map[string]bool{},
		teams: map[string]string{}, lostReason: map[string]string{}, categories: map[string]string{},
		fields: map[string]map[string]*fieldDef{}}
	var cur struct {
		User named `json:"user"`
	}
	if err := a.get(ctx, "users/current", &cur); err != nil {
		return nil, nil, fmt.Errorf("reading the current user: %w", err)
	}
	rd.userID = cur.User.ID.String()
	list := func(path, key string, fn func(named)) error {
		return a.getPages(ctx, path, url.Values{"perPage": {"100"}}, key, func(raw json.RawMessage) error {
			var n named
			if err := json.Unmarshal(raw, &n); err != nil {
				return fmt.Errorf("reading %s: %w", path, err)
			}
			fn(n)
			return nil
		})
	}
	if need.refs[mappings.RefOwner] {
		if err := list("users", "users", func(n named) {
			for _, k := range []string{n.Name, n.Username, n.Email} {
				if k != "" {
					rd.users[normText(k)] = n.ID.String()
				}
			}
		}); err != nil {
			return nil, nil, err
		}
	}
	if need.refs[mappings.RefMilestone] {
		var pipes []named
		if err := list("pipelines", "pipelines", func(n named) { pipes = append(pipes, n) }); err != nil {
			return nil, nil, err
		}
		for _, p := range pipes {
			rd.pipelines[normText(p.Name)] = true
			if err := list("pipelines/"+p.ID.String()+"/milestones", "milestones", func(n named) {
				rd.milestones[normText(p.Name)+"\x00"+normText(n.Name)] = n.ID.String()
				if n.Complete {
					rd.closing[n.ID.String()] = n.Prob.String()
				}
			}); err != nil {
				return nil, nil, err
			}
		}
	}
	for _, l := range []struct {
		kind mappings.RefKind
		path string
		key  string // the list's wrapper key in the response
		into map[string]string
	}{{mappings.RefTeam, "teams", "teams", rd.teams}, {mappings.RefLostReason, "lostreasons", "lostReasons", rd.lostReason},
		{mappings.RefCategory, "categories", "categories", rd.categories}} {
		if need.refs[l.kind] {
			if err := list(l.path, l.key, func(n named) { l.into[normText(n.Name)] = n.ID.String() }); err != nil {
				return nil, nil, err
			}
		}
	}
	var problems []string
	for _, coll := range sortedKeys(need.fields) {
		defs := map[string]*fieldDef{}
		if err := list(coll+"/fields/definitions", "definitions", func(n named) {
			defs[normText(n.Name)] = &fieldDef{ID: n.ID.String(), Name: n.Name, Type: n.Type, Options: n.Options}
		}); err != nil {
			return nil, nil, err
		}
		rd.fields[coll] = defs
		for _, name := range sortedKeys(need.fields[coll]) {
			if defs[normText(name)] != nil {
				continue
			}
			if createFields {
				typ := need.kinds[coll+"\x00"+name]
				if !dry {
					if err := a.createField(ctx, coll, name, typ); err != nil {
						return nil, nil, fmt.Errorf("creating custom field %q for %s: %w", name, coll, err)
					}
				}
				// A dry run checks the rows' values against the definition
				// the real run creates, so it rejects what the run rejects.
				defs[normText(name)] = &fieldDef{Name: name, Type: typ}
				created = append(created, fmt.Sprintf("%s: %q (%s)", coll, name, typ))
				continue
			}
			{
				problems = append(problems, fmt.Sprintf("custom field %q does not exist for %s (first used in %s); "+
					"create it in Capsule (Settings > Custom Fields) or with --create-fields, or remove it from the mapping", name, coll, need.fields[coll][name]))
			}
		}
	}
	for _, p := range sortedKeys(need.pipelines) {
		if need.refs[mappings.RefMilestone] && !rd.pipelines[normText(p)] {
			problems = append(problems, fmt.Sprintf("pipeline %q does not exist (first used in %s); create it in Capsule or fix the mapping", p, need.pipelines[p]))
		}
	}
	if len(problems) > 0 {
		return nil, nil, &PreflightError{Problems: problems}
	}
	return rd, created, nil
}

// needs collects, while reading, what the rows refer to in the account.
type needs struct {
	refs      map[mappings.RefKind]bool
	fields    map[string]map[string]string // collection -> field name -> first use
	pipelines map[string]string
	kinds     map[string]string // collection + "\x00" + field name -> Capsule type of its first value
	indexes   map[string]bool   // collections to index: matched, or referred to by name
	// ids are the Capsule ids notes and tasks are matched by (entries,
	// tasks -> id): only then are those collections read (see loadByID).
	ids map[string]map[string]bool
}

func newNeeds() *needs {
	return &needs{refs: map[mappings.RefKind]bool{}, fields: map[string]map[string]string{}, pipelines: map[string]string{},
		kinds: map[string]string{}, indexes: map[string]bool{}, ids: map[string]map[string]bool{}}
}

func (n *needs) note(op *mappings.Op, in *input, row int) {
	where := func() string { return fmt.Sprintf("%s row %d", in.name, row) }
	if k := kindOf(op); k.indexed() {
		n.indexes[k.path] = true
	} else if !op.Skipped {
		for _, mk := range op.Match {
			if id := keyOf(mk).Value; mk.Kind == mappings.MatchID && id != "" {
				if n.ids[k.path] == nil {
					n.ids[k.path] = map[string]bool{}
				}
				n.ids[k.path][id] = true
			}
		}
	}
	for _, r := range op.Refs {
		n.refs[r.Kind] = true
		switch r.Kind {
		case mappings.RefOrganisation, mappings.RefParty:
			n.indexes[capsule.PathParties] = true
		case mappings.RefOpportunity:
			n.indexes[capsule.PathOpportunities] = true
		case mappings.RefKase:
			n.indexes[capsule.PathKases] = true
		}
		if r.Kind == mappings.RefMilestone && r.Pipeline != "" {
			if _, ok := n.pipelines[r.Pipeline]; !ok {
				n.pipelines[r.Pipeline] = where()
			}
		}
	}
	fs := items(op.Body["fields"])
	if len(fs) == 0 {
		return
	}
	coll := kindOf(op).path
	m := n.fields[coll]
	if m == nil {
		m = map[string]string{}
		n.fields[coll] = m
	}
	for _, f := range fs {
		def, _ := f["definition"].(map[string]any)
		if name := str(def["name"]); name != "" {
			if _, ok := m[name]; !ok {
				m[name] = where()
				n.kinds[coll+"\x00"+name] = fieldType(f["value"])
			}
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// coerce checks a custom field value against its definition and returns
// it in the JSON kind Capsule expects: text "12.5" for a number field
// becomes a number, "true"/"yes" for a boolean field a boolean, a list
// option takes the account's spelling. msg says what is wrong otherwise.
func (d *fieldDef) coerce(v any) (out any, msg string) {
	s := strings.TrimSpace(scalar(v))
	switch strings.ToLower(d.Type) {
	case "list":
		for _, o := range d.Options {
			if strings.EqualFold(o, s) {
				return o, ""
			}
		}
		return nil, fmt.Sprintf("%q is not an option of custom field %q (options: %s)", s, d.Name, strings.Join(d.Options, ", "))
	case "number":
		if _, ok := v.(string); !ok {
			return v, ""
		}
		if _, err := strconv.ParseFloat(s, 64); err != nil {
			return nil, fmt.Sprintf("custom field %q needs a number, not %q (in the mapping: type: decimal, and the locale)", d.Name, s)
		}
		return json.Number(s), ""
	case "boolean":
		if _, ok := v.(bool); ok {
			return v, ""
		}
		switch strings.ToLower(s) {
		case "true", "yes":
			return true, ""
		case "false", "no":
			return false, ""
		}
		return nil, fmt.Sprintf("custom field %q needs true or false, not %q (in the mapping: type: boolean)", d.Name, s)
	case "date":
		if _, err := time.Parse("2006-01-02", s); err != nil {
			return nil, fmt.Sprintf("custom field %q needs a date, not %q (in the mapping: type: date, and date_format)", d.Name, s)
		}
	}
	return v, ""
}

// fieldType is the Capsule custom field type for a value of the mapping.
func fieldType(v any) string {
	switch x := v.(type) {
	case bool:
		return "boolean"
	case json.Number, float64, int, int64:
		return "number"
	case string:
		if len(x) == 10 && x[4] == '-' && x[7] == '-' {
			return "date"
		}
	}
	return "text"
}
