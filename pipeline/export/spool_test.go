package export

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

type spoolRec struct {
	ID   int64  `json:"id"`
	Text string `json:"text"`
}

func TestSpoolReplay(t *testing.T) {
	long := strings.Repeat("x", 200_000) // longer than the read buffer
	tests := []struct {
		name string
		adds []struct {
			tag byte
			rec spoolRec
		}
		tag  byte
		want []string
	}{
		{"arrival order", adds('-', "1:a", "2:b", "3:c"), '-', []string{"1:a", "2:b", "3:c"}},
		{"latest copy wins, at its own place", adds('-', "1:a", "2:b", "1:c"), '-', []string{"2:b", "1:c"}},
		{"tags filter", append(adds('o', "1:org"), adds('p', "2:person", "3:person")...), 'p', []string{"2:person", "3:person"}},
		{"a record moving to another tag leaves the first", append(adds('o', "1:was org"), adds('p', "1:now person")...), 'o', nil},
		{"newlines and long text", adds('-', "1:line\nbreak", "2:"+long), '-', []string{"1:line\nbreak", "2:" + long}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			sp, err := newSpool(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer sp.close()
			if ents, _ := os.ReadDir(dir); len(ents) != 0 {
				t.Errorf("spool file visible in %s: it should be unlinked", dir)
			}
			for _, a := range tt.adds {
				if err := sp.add(a.rec.ID, a.tag, a.rec); err != nil {
					t.Fatal(err)
				}
			}
			for range 2 { // replay twice: the spool is reusable
				var got []string
				err := replay(sp, tt.tag, func(r *spoolRec) error { got = append(got, fmt.Sprintf("%d:%s", r.ID, r.Text)); return nil })
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(got, tt.want) {
					t.Fatalf("replay = %.80q, want %.80q", got, tt.want)
				}
			}
		})
	}
}

func adds(tag byte, items ...string) []struct {
	tag byte
	rec spoolRec
} {
	var out []struct {
		tag byte
		rec spoolRec
	}
	for _, it := range items {
		var id int64
		id0, text, _ := strings.Cut(it, ":")
		fmt.Sscan(id0, &id)
		out = append(out, struct {
			tag byte
			rec spoolRec
		}{tag, spoolRec{id, text}})
	}
	return out
}
