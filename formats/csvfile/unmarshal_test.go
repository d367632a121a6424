package csvfile

import (
	"strings"
	"testing"
)

func TestUnmarshalDetectsLikeRead(t *testing.T) {
	type person struct {
		Name string `csv:"name"`
		Age  int    `csv:"age"`
	}
	r, err := NewReader(strings.NewReader("name;age\ncaf\xe9;42\n"))
	if err != nil {
		t.Fatal(err)
	}
	var got []person
	if err := Unmarshal(r, &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Name != "café" || got[0].Age != 42 {
		t.Fatalf("got %+v", got)
	}
}
