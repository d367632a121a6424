package capsule

import (
	"slices"
	"testing"
)

func TestKindWords(t *testing.T) {
	for word, want := range map[string]*Kind{
		"parties": Organisations, "party": Organisations, "person": People, "people": People,
		"organisation": Organisations, "kases": Projects, "kase": Projects, "project": Projects,
		"entries": Notes, "entry": Notes, "notes": Notes, "tasks": Tasks, "opportunity": Opportunities,
	} {
		if got := KindOf(word); got != want {
			t.Errorf("KindOf(%q) = %+v, want %+v", word, got, want)
		}
	}
	if k := KindOf("deal"); k != nil {
		t.Errorf("KindOf(deal) = %+v, want nil", k)
	}
	for word, want := range map[string]string{"people": "person", "parties": "party", "entries": "entry",
		"opportunities": "opportunity", "projects": "project", "kases": "kase", "notes": "note", "widgets": "widget"} {
		if got := SingularOf(word); got != want {
			t.Errorf("SingularOf(%q) = %q, want %q", word, got, want)
		}
	}
	var paths []string
	for _, k := range Kinds {
		if !slices.Contains(paths, k.Path) {
			paths = append(paths, k.Path)
		}
		if KindNamed(k.Name) != k {
			t.Errorf("KindNamed(%q) is not %+v", k.Name, k)
		}
	}
	if !slices.Equal(paths, Collections) {
		t.Errorf("Collections = %v, want the paths of Kinds %v", Collections, paths)
	}
}
