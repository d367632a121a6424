package capsule

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// partiesPage100 builds a 100-party page from the recorded parties.
func partiesPage100(b *testing.B) []byte {
	raw, err := os.ReadFile("testdata/fixtures/parties-list-response.recorded.json")
	if err != nil {
		b.Fatal(err)
	}
	var page struct{ Parties []json.RawMessage }
	if err := json.Unmarshal(raw, &page); err != nil {
		b.Fatal(err)
	}
	items := make([]string, 100)
	for i := range items {
		items[i] = string(page.Parties[i%len(page.Parties)])
	}
	return []byte(`{"parties":[` + strings.Join(items, ",") + `]}`)
}

func BenchmarkDecodePartiesPage(b *testing.B) {
	data := partiesPage100(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var parties []Party
		if err := decodeEnvelope(bytes.NewReader(data), "parties", &parties); err != nil || len(parties) != 100 {
			b.Fatal(len(parties), err)
		}
	}
}

func BenchmarkGetParty(b *testing.B) {
	f := newFake(b)
	f.limit = 1 << 30
	f.handle("GET /parties/1", jsonRoute(200, `{"party":{"id":1,"type":"person","firstName":"Ann","lastName":null,"emailAddresses":[{"id":2,"type":"Work","address":"a@b.c"}]}}`))
	c := f.client()
	c.Pacer().SetPending(0)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := c.Parties.Get(bg, 1, nil); err != nil {
			b.Fatal(err)
		}
	}
}
