package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// state is everything a sandbox stores; it is what the data file holds.
type state struct {
	NextID        int64                  `json:"nextId"`
	Seed          Seed                   `json:"seed"`
	Parties       map[int64]*party       `json:"parties"`
	Opportunities map[int64]*opportunity `json:"opportunities"`
	Kases         map[int64]*kase        `json:"kases"`
	Tasks         map[int64]*task        `json:"tasks"`
	Entries       map[int64]*entry       `json:"entries"`
	Tags          map[string][]*tagDef   `json:"tags"`
	FieldDefs     map[string][]*fieldDef `json:"fieldDefs"`
	Deleted       map[string][]deletion  `json:"deleted"`
	Jobs          map[string]string      `json:"jobs"`
	RestHooks     map[int64]*restHook    `json:"restHooks,omitempty"`
}

func (st *state) newID() int64 {
	st.NextID++
	return st.NextID
}

// newState builds the seeded starting state. Seed ids left at zero are
// assigned from the same counter as records so ids never collide.
func newState(seed Seed) *state {
	st := &state{
		Parties:       map[int64]*party{},
		Opportunities: map[int64]*opportunity{},
		Kases:         map[int64]*kase{},
		Tasks:         map[int64]*task{},
		Entries:       map[int64]*entry{},
		Tags:          map[string][]*tagDef{},
		FieldDefs:     map[string][]*fieldDef{},
		Deleted:       map[string][]deletion{},
		Jobs:          map[string]string{},
		RestHooks:     map[int64]*restHook{},
	}
	def := defaultSeed()
	if seed.Site.Name == "" {
		seed.Site = def.Site
	}
	if len(seed.Users) == 0 {
		seed.Users = def.Users
	}
	if len(seed.Pipelines) == 0 {
		seed.Pipelines = def.Pipelines
	}
	if len(seed.Boards) == 0 {
		seed.Boards = def.Boards
	}
	if len(seed.LostReasons) == 0 {
		seed.LostReasons = def.LostReasons
	}
	if len(seed.Categories) == 0 {
		seed.Categories = def.Categories
	}
	// Copy slices so assigning ids never writes into the caller's seed.
	seed.Users = append([]SeedUser(nil), seed.Users...)
	seed.Teams = append([]SeedTeam(nil), seed.Teams...)
	seed.LostReasons = append([]SeedNamed(nil), seed.LostReasons...)
	seed.Categories = append([]SeedNamed(nil), seed.Categories...)
	seed.Fields = append([]SeedFieldDef(nil), seed.Fields...)
	st.NextID = maxSeedID(seed)
	for i := range seed.Users {
		st.fill(&seed.Users[i].ID)
	}
	for i := range seed.Teams {
		st.fill(&seed.Teams[i].ID)
	}
	ps := make([]SeedPipeline, len(seed.Pipelines))
	for i, p := range seed.Pipelines {
		p.Milestones = append([]SeedMilestone(nil), p.Milestones...)
		st.fill(&p.ID)
		for j := range p.Milestones {
			st.fill(&p.Milestones[j].ID)
		}
		ps[i] = p
	}
	seed.Pipelines = ps
	bs := make([]SeedBoard, len(seed.Boards))
	for i, b := range seed.Boards {
		b.Stages = append([]SeedStage(nil), b.Stages...)
		st.fill(&b.ID)
		for j := range b.Stages {
			st.fill(&b.Stages[j].ID)
		}
		bs[i] = b
	}
	seed.Boards = bs
	for i := range seed.LostReasons {
		st.fill(&seed.LostReasons[i].ID)
	}
	for i := range seed.Categories {
		st.fill(&seed.Categories[i].ID)
	}
	for i := range seed.Fields {
		f := &seed.Fields[i]
		st.fill(&f.ID)
		d := &fieldDef{ID: f.ID, Name: f.Name, Type: f.Type, Options: f.Options, Important: f.Important, DisplayOrder: i + 1}
		if f.CaptureRule != "" {
			d.CaptureRule = &f.CaptureRule
		}
		if f.Tag != "" {
			d.TagID = st.tagByName(f.Entity, f.Tag, true).ID
			st.tagByID(f.Entity, d.TagID).DataTag = true
		}
		st.FieldDefs[f.Entity] = append(st.FieldDefs[f.Entity], d)
	}
	st.Seed = seed
	return st
}

func (st *state) fill(id *int64) {
	if *id == 0 {
		*id = st.newID()
	}
}

func maxSeedID(s Seed) int64 {
	var m int64
	up := func(id int64) { m = max(m, id) }
	for _, u := range s.Users {
		up(u.ID)
	}
	for _, t := range s.Teams {
		up(t.ID)
	}
	for _, p := range s.Pipelines {
		up(p.ID)
		for _, ms := range p.Milestones {
			up(ms.ID)
		}
	}
	for _, b := range s.Boards {
		up(b.ID)
		for _, x := range b.Stages {
			up(x.ID)
		}
	}
	for _, n := range append(append([]SeedNamed(nil), s.LostReasons...), s.Categories...) {
		up(n.ID)
	}
	for _, f := range s.Fields {
		up(f.ID)
	}
	return m
}

func defaultSeed() Seed {
	return Seed{
		Site:  SeedSite{Name: "Sandbox Ltd", Subdomain: "sandbox"},
		Users: []SeedUser{{Username: "sandbox", Name: "Sandbox User"}},
		Pipelines: []SeedPipeline{{Name: "Sales", Milestones: []SeedMilestone{
			{Name: "New", Probability: 10, DaysUntilStale: 14},
			{Name: "Qualified", Probability: 30, DaysUntilStale: 14},
			{Name: "Proposal", Probability: 60, DaysUntilStale: 14},
			{Name: "Won", Probability: 100, Complete: true},
			{Name: "Lost", Probability: 0, Complete: true},
		}}},
		Boards: []SeedBoard{{Name: "Projects", Stages: []SeedStage{
			{Name: "Project Brief"}, {Name: "Planning"}, {Name: "In Progress"}, {Name: "Done"},
		}}},
		LostReasons: []SeedNamed{{Name: "Price"}, {Name: "Competitor"}, {Name: "No budget"}},
		Categories:  []SeedNamed{{Name: "Call"}, {Name: "Email"}, {Name: "Follow-up"}},
	}
}

// LoadSeed reads a seed file (JSON, shape documented in doc.go).
func LoadSeed(path string) (Seed, error) {
	var s Seed
	b, err := os.ReadFile(path)
	if err != nil {
		return s, fmt.Errorf("reading seed file: %w", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		msg := err.Error()
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			// Say it in the file's terms, not Go's ("Go struct field SeedUser…").
			msg = fmt.Sprintf("%s: want a %s, found a %s", te.Field, jsonKind(te.Type.Kind().String()), te.Value)
		}
		return s, fmt.Errorf("seed file %s%s: %s (see the shape in the sandbox package documentation)", path, jsonWhere(b, err), msg)
	}
	for i, f := range s.Fields {
		switch f.Entity {
		case "parties", "opportunities", "kases":
		default:
			return s, fmt.Errorf("seed file %s: fields[%d].entity %q: want parties, opportunities or kases", path, i, f.Entity)
		}
	}
	return s, nil
}

// save writes the state atomically: a temp file in the same directory,
// fsync, then rename, so a crash never leaves a half-written data file.
func saveState(path string, b []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".sandbox-*.tmp")
	if err != nil {
		return fmt.Errorf("saving sandbox data: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if _, err := f.Write(b); err != nil {
		f.Close()
		return fmt.Errorf("saving sandbox data: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("saving sandbox data: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("saving sandbox data: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("saving sandbox data: %w", err)
	}
	return nil
}

func loadState(path string) (*state, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	st := &state{}
	if err := json.Unmarshal(b, st); err != nil {
		return nil, fmt.Errorf("sandbox data file %s%s is not valid: %w (move it away to start afresh)", path, jsonWhere(b, err), err)
	}
	if len(st.Seed.Users) == 0 {
		return nil, fmt.Errorf("sandbox data file %s has no users: it is not a sandbox data file", path)
	}
	// Tolerate files whose empty maps were written as null.
	if st.Parties == nil {
		st.Parties = map[int64]*party{}
	}
	if st.Opportunities == nil {
		st.Opportunities = map[int64]*opportunity{}
	}
	if st.Kases == nil {
		st.Kases = map[int64]*kase{}
	}
	if st.Tasks == nil {
		st.Tasks = map[int64]*task{}
	}
	if st.Entries == nil {
		st.Entries = map[int64]*entry{}
	}
	if st.Tags == nil {
		st.Tags = map[string][]*tagDef{}
	}
	if st.FieldDefs == nil {
		st.FieldDefs = map[string][]*fieldDef{}
	}
	if st.Deleted == nil {
		st.Deleted = map[string][]deletion{}
	}
	if st.Jobs == nil {
		st.Jobs = map[string]string{}
	}
	if st.RestHooks == nil {
		st.RestHooks = map[int64]*restHook{}
	}
	return st, nil
}

func (st *state) tagByID(entity string, id int64) *tagDef {
	for _, t := range st.Tags[entity] {
		if t.ID == id {
			return t
		}
	}
	return nil
}

// tagByName matches case-insensitively and, when create is set, makes a
// new tag on first use as Capsule does.
func (st *state) tagByName(entity, name string, create bool) *tagDef {
	for _, t := range st.Tags[entity] {
		if strings.EqualFold(t.Name, name) {
			return t
		}
	}
	if !create {
		return nil
	}
	t := &tagDef{ID: st.newID(), Name: name}
	st.Tags[entity] = append(st.Tags[entity], t)
	return t
}

func (st *state) fieldDef(entity string, id int64) *fieldDef {
	for _, d := range st.FieldDefs[entity] {
		if d.ID == id {
			return d
		}
	}
	return nil
}

// jsonWhere turns the byte offset of a JSON error into ":LINE:COLUMN", so an
// editor can jump to a mistake in a hand-written seed file; "" when the
// error carries no offset.
func jsonWhere(b []byte, err error) string {
	var off int64
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	default:
		return ""
	}
	off = min(max(off, 1), int64(len(b)))
	before := b[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(off) - bytes.LastIndexByte(before, '\n') - 1
	return fmt.Sprintf(":%d:%d", line, col)
}

// jsonKind names a Go kind as JSON does.
func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "string"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "list [...]"
	case "struct", "map":
		return "object {...}"
	}
	return "number"
}
