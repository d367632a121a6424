package capsule

// API paths of Capsule's record collections; a list response holds its
// records under the same key.
const (
	PathParties       = "parties"
	PathOpportunities = "opportunities"
	PathKases         = "kases"
	PathEntries       = "entries"
	PathTasks         = "tasks"
)

// Kind is one kind of Capsule record and every word used for it: the API's
// (path, wrapper) and ours (the plural name summaries and the journal use,
// and its singular). People and organisations are two kinds of one
// collection; projects are kases in the API, notes are entries.
type Kind struct {
	Name      string // plural, as summaries, plan files and the journal name it: "projects"
	Singular  string // "project"
	Path      string // API collection and list key: "kases"
	Wrapper   string // JSON key of one record in a request or response: "kase"
	PartyType string // parties only: PartyPerson or PartyOrganisation
}

// The kinds of record capsule-etl moves.
var (
	Organisations = &Kind{Name: "organisations", Singular: "organisation", Path: PathParties, Wrapper: "party", PartyType: PartyOrganisation}
	People        = &Kind{Name: "people", Singular: "person", Path: PathParties, Wrapper: "party", PartyType: PartyPerson}
	Opportunities = &Kind{Name: "opportunities", Singular: "opportunity", Path: PathOpportunities, Wrapper: "opportunity"}
	Projects      = &Kind{Name: "projects", Singular: "project", Path: PathKases, Wrapper: "kase"}
	Notes         = &Kind{Name: "notes", Singular: "note", Path: PathEntries, Wrapper: "entry"}
	Tasks         = &Kind{Name: "tasks", Singular: "task", Path: PathTasks, Wrapper: "task"}
)

// Kinds lists every kind, what others link to first.
var Kinds = []*Kind{Organisations, People, Opportunities, Projects, Notes, Tasks}

// Collections lists the API paths of Kinds, each once, in the same order.
var Collections = []string{PathParties, PathOpportunities, PathKases, PathEntries, PathTasks}

// KindNamed returns the kind whose Name is name, or nil.
func KindNamed(name string) *Kind {
	for _, k := range Kinds {
		if k.Name == name {
			return k
		}
	}
	return nil
}

// KindOf returns the kind a word names: a kind's Name or Singular, or its
// collection's path or wrapper ("kases", "kase", "projects", "project" all
// give Projects; "parties" and "party" give Organisations, the first kind
// of the collection). Nil when the word names none.
func KindOf(word string) *Kind {
	for _, k := range Kinds {
		if word == k.Path || word == k.Wrapper || word == k.Name || word == k.Singular {
			return k
		}
	}
	return nil
}

// SingularOf is the singular of a kind's Name or a collection path ("people"
// -> "person", "entries" -> "entry"); other words lose a final "s".
func SingularOf(word string) string {
	for _, k := range Kinds {
		switch word {
		case k.Name:
			return k.Singular
		case k.Path:
			return k.Wrapper
		}
	}
	if n := len(word); n > 0 && word[n-1] == 's' {
		return word[:n-1]
	}
	return word
}
