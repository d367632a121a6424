package importer

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/capsule-etl/capsule-etl/capsule"

	"github.com/capsule-etl/capsule-etl/mappings"
)

func decode(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	if err := d.Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestDiff(t *testing.T) {
	tests := []struct {
		name      string
		body, rec string
		mode      mappings.ListMode
		fold      bool
		want      string // the update body, "{}" for unchanged
	}{
		{"same scalars", `{"type":"person","firstName":"Ann","jobTitle":" Buyer "}`, `{"id":1,"type":"person","firstName":"Ann","jobTitle":"Buyer"}`, "", false, `{}`},
		{"changed scalar", `{"jobTitle":"CEO"}`, `{"jobTitle":"Buyer"}`, "", false, `{"jobTitle":"CEO"}`},
		{"number vs string", `{"value":{"amount":1200.50,"currency":"EUR"}}`, `{"value":{"amount":1200.5,"currency":"EUR"}}`, "", false, `{}`},
		{"name case kept unless matched by name", `{"name":"acme"}`, `{"name":"Acme"}`, "", false, `{"name":"acme"}`},
		{"name case folded when matched by name", `{"name":"acme  ltd"}`, `{"name":"Acme Ltd"}`, "", true, `{}`},
		{"merge skips a present e-mail", `{"emailAddresses":[{"address":"ANN@x.com"}]}`, `{"emailAddresses":[{"id":5,"address":"ann@x.com","type":"Work"}]}`, mappings.ListMerge, false, `{}`},
		{"merge adds a new e-mail once", `{"emailAddresses":[{"address":"b@x.com"},{"address":"B@x.com"}]}`, `{"emailAddresses":[{"id":5,"address":"ann@x.com"}]}`, mappings.ListMerge, false, `{"emailAddresses":[{"address":"b@x.com"}]}`},
		{"append adds even present", `{"tags":[{"name":"VIP"}]}`, `{"tags":[{"id":3,"name":"vip"}]}`, mappings.ListAppend, false, `{"tags":[{"name":"VIP"}]}`},
		{"replace deletes the others", `{"tags":[{"name":"VIP"}]}`, `{"tags":[{"id":3,"name":"vip"},{"id":4,"name":"Old"}]}`, mappings.ListReplace, false, `{"tags":[{"_delete":true,"id":4}]}`},
		{"phones compared as digits", `{"phoneNumbers":[{"number":"+442079460018"}]}`, `{"phoneNumbers":[{"id":1,"number":"+44 20 7946 0018"}]}`, mappings.ListMerge, false, `{}`},
		{"custom field changed", `{"fields":[{"definition":{"name":"Tier"},"value":"Gold"}]}`, `{"fields":[{"id":9,"definition":{"id":2,"name":"Tier"},"value":"Silver"}]}`, mappings.ListMerge, false, `{"fields":[{"definition":{"name":"Tier"},"value":"Gold"}]}`},
		{"custom number as string", `{"fields":[{"definition":{"name":"Size"},"value":12}]}`, `{"fields":[{"id":9,"definition":{"id":2,"name":"size"},"value":"12.0"}]}`, mappings.ListMerge, false, `{}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body := decode(t, tc.body)
			lists := map[string]mappings.ListMode{}
			for _, k := range []string{"emailAddresses", "phoneNumbers", "tags", "fields"} {
				lists[k] = tc.mode
			}
			upd, changes, _ := diff(body, lists, decode(t, tc.rec), tc.fold)
			got, _ := json.Marshal(upd)
			if string(got) != tc.want {
				t.Fatalf("update %s, want %s", got, tc.want)
			}
			if (len(changes) == 0) != (tc.want == "{}") {
				t.Fatalf("changes %v for update %s", changes, got)
			}
		})
	}
}

func TestKeys(t *testing.T) {
	tests := []struct {
		in   mappings.MatchKey
		want string
	}{
		{mappings.MatchKey{Kind: mappings.MatchEmail, Value: " Ann@Example.COM "}, "email=ann@example.com"},
		{mappings.MatchKey{Kind: mappings.MatchPhone, Value: "+44 (20) 7946-0018"}, "phone=+442079460018"},
		{mappings.MatchKey{Kind: mappings.MatchName, Value: "Acme   LTD"}, "name=acme ltd"},
		{mappings.MatchKey{Kind: mappings.MatchField, Field: "Legacy ID", Value: " A-1 "}, "field:legacy id=A-1"},
		{mappings.MatchKey{Kind: mappings.MatchID, Value: "42"}, "id=42"},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			k := keyOf(tc.in)
			if got := k.Kind + "=" + k.Value; got != tc.want {
				t.Fatalf("got %s", got)
			}
		})
	}
}

func TestDefaultErrorsPath(t *testing.T) {
	for in, want := range map[string]string{
		"data/contacts.csv": "data/contacts.errors.csv",
		"deals.xlsx":        "deals.errors.xlsx",
		"export.csv.gz":     "export.errors.csv.gz",
		"noext":             "noext.errors",
	} {
		if got := DefaultErrorsPath(in); got != want {
			t.Errorf("%s: got %s, want %s", in, got, want)
		}
	}
}

func TestRequestSplicesRefs(t *testing.T) {
	org := &planOp{kind: kindOrg, row: 2, record: "company", in: &input{name: "a.csv"}}
	p := &planOp{kind: kindPers, fields: []byte(`{"firstName":"Ann"}`),
		refs: []refVal{{field: "organisation", dep: org}, {field: "owner", id: "7"}}}
	if _, _, _, ok := p.request(); ok {
		t.Fatal("request ready before the organisation has an id")
	}
	if got := string(p.planBody()); got != `{"party":{"organisation":{"id":null,"planned":"a.csv row 2 company"},"owner":{"id":7},"firstName":"Ann"}}` {
		t.Fatalf("plan body %s", got)
	}
	org.id = "31"
	m, path, body, ok := p.request()
	if !ok || m != "POST" || path != "parties" || string(body) != `{"party":{"organisation":{"id":31},"owner":{"id":7},"firstName":"Ann"}}` {
		t.Fatalf("%v %s %s %s", ok, m, path, body)
	}
}

func TestEstimate(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		n      int
		budget capsule.Rate
		want   string
	}{
		{"nothing", 0, capsule.Rate{}, "nothing to send"},
		{"fits", 100, capsule.Rate{Limit: 4000, Remaining: 3000, Reset: now.Add(30 * time.Minute)}, "no waiting: 100 writes"},
		{"reserve not used", 3000, capsule.Rate{Limit: 4000, Remaining: 3000, Reset: now.Add(30 * time.Minute)}, "about 30m0s: 3000 writes at 3600 requests per window"},
		{"several windows", 8000, capsule.Rate{Limit: 4000, Remaining: 400, Reset: now.Add(10 * time.Minute)}, "about 2h10m0s"},
		{"unknown budget", 7200, capsule.Rate{}, "about 1h0m0s"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := capsule.NewPacer(capsule.NewSimClock(now), 10)
			if err != nil {
				t.Fatal(err)
			}
			if tc.budget.Known() {
				p.Observe(tc.budget)
			}
			if got := estimate(tc.n, p); !strings.Contains(got, tc.want) {
				t.Fatalf("got %q, want it to contain %q", got, tc.want)
			}
		})
	}
}
