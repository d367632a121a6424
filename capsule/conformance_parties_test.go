package capsule_test

import (
	"errors"
	"testing"

	"github.com/capsule-etl/capsule-etl/capsule"
)

func TestConformancePartyPersonLifecycle(t *testing.T) {
	cf := newConformance(t, nil)
	ctx, c := cf.ctx, cf.c
	org := must[*capsule.Party](t)(c.Parties.Create(ctx, &capsule.Party{
		Type: capsule.Some(capsule.PartyOrganisation), Name: capsule.Some("Acme Ltd"),
	}))
	p := must[*capsule.Party](t)(c.Parties.Create(ctx, &capsule.Party{
		Type:           capsule.Some(capsule.PartyPerson),
		FirstName:      capsule.Some("Ada"),
		LastName:       capsule.Some("Lovelace"),
		JobTitle:       capsule.Some("Engineer"),
		About:          capsule.Some("first programmer"),
		Organisation:   capsule.PartyID(org.ID),
		EmailAddresses: []capsule.EmailAddress{{Type: capsule.Some("Work"), Address: capsule.Some("ada@acme.test")}},
		PhoneNumbers:   []capsule.PhoneNumber{{Type: capsule.Some("Mobile"), Number: capsule.Some("+44 20 7946 0000")}},
		Addresses: []capsule.Address{{Type: capsule.Some("Office"), Street: capsule.Some("1 Main St"),
			City: capsule.Some("London"), Country: capsule.Some("United Kingdom"), Zip: capsule.Some("N1")}},
		Websites: []capsule.Website{{Service: capsule.Some("URL"), Address: capsule.Some("https://acme.test")}},
		Tags:     []capsule.TagRef{{Name: capsule.Some("VIP")}},
	}))
	if p.ID == 0 || p.FirstName.Value() != "Ada" || p.Organisation.Value().ID != org.ID {
		t.Fatalf("created person = %+v", p)
	}
	if p.Owner.Value().ID == 0 {
		t.Errorf("owner did not default to the token's user: %+v", p.Owner)
	}
	if len(p.EmailAddresses) != 1 || p.EmailAddresses[0].ID == 0 || len(p.PhoneNumbers) != 1 ||
		len(p.Addresses) != 1 || len(p.Websites) != 1 {
		t.Fatalf("child rows not stored: %+v", p)
	}
	if p.Tags != nil {
		t.Errorf("tags present without embed: %+v", p.Tags)
	}

	// Partial update: absent keys untouched, explicit null clears, child rows
	// append / update / _delete.
	email, phone := p.EmailAddresses[0], p.PhoneNumbers[0]
	u := must[*capsule.Party](t)(c.Parties.Update(ctx, p.ID, &capsule.Party{
		About: capsule.Null[string](),
		EmailAddresses: []capsule.EmailAddress{
			{ID: email.ID, Address: capsule.Some("ada@lovelace.test")},
			{Type: capsule.Some("Home"), Address: capsule.Some("ada@home.test")},
		},
		PhoneNumbers: []capsule.PhoneNumber{{ID: phone.ID, Delete: true}},
		Addresses:    []capsule.Address{},
	}))
	if !u.About.IsNull() {
		t.Errorf("about after null = %+v, want null", u.About)
	}
	if u.FirstName.Value() != "Ada" || u.JobTitle.Value() != "Engineer" || u.Organisation.Value().ID != org.ID {
		t.Errorf("absent keys changed: %+v", u)
	}
	if len(u.EmailAddresses) != 2 || u.EmailAddresses[0].ID != email.ID ||
		u.EmailAddresses[0].Address.Value() != "ada@lovelace.test" || u.EmailAddresses[0].Type.Value() != "Work" ||
		u.EmailAddresses[1].Address.Value() != "ada@home.test" {
		t.Errorf("emails after update = %+v", u.EmailAddresses)
	}
	if len(u.PhoneNumbers) != 0 {
		t.Errorf("phone not deleted: %+v", u.PhoneNumbers)
	}
	if len(u.Addresses) != 1 {
		t.Errorf("[] changed addresses: %+v", u.Addresses)
	}
	// null unlinks the organisation
	u = must[*capsule.Party](t)(c.Parties.Update(ctx, p.ID, &capsule.Party{Organisation: capsule.Null[capsule.PartyRef]()}))
	if !u.Organisation.IsNull() {
		t.Errorf("organisation after null = %+v", u.Organisation)
	}

	got := must[*capsule.Party](t)(c.Parties.Get(ctx, p.ID, &capsule.GetOptions{Embed: []string{"tags", "fields"}}))
	if len(got.Tags) != 1 || got.Tags[0].Name.Value() != "VIP" {
		t.Errorf("embedded tags = %+v", got.Tags)
	}
	if _, err := c.Parties.Delete(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Parties.Get(ctx, p.ID, nil); statusOf(err) != 404 {
		t.Errorf("get after delete: %v, want 404", err)
	}
}

func TestConformancePartyOrganisationTagsAndFields(t *testing.T) {
	cf := newConformance(t, nil)
	ctx, c := cf.ctx, cf.c
	num := must[*capsule.FieldDefinition](t)(c.Fields.Create(ctx, capsule.EntityParties, &capsule.FieldDefinition{
		Name: capsule.Some("Employees"), Type: capsule.Some("number")}))
	tier := must[*capsule.FieldDefinition](t)(c.Fields.Create(ctx, capsule.EntityParties, &capsule.FieldDefinition{
		Name: capsule.Some("Tier"), Type: capsule.Some("list"), Options: []string{"Gold", "Silver"}}))
	flag := must[*capsule.FieldDefinition](t)(c.Fields.Create(ctx, capsule.EntityParties, &capsule.FieldDefinition{
		Name: capsule.Some("Active"), Type: capsule.Some("boolean")}))

	o := must[*capsule.Party](t)(c.Parties.Create(ctx, &capsule.Party{
		Type: capsule.Some(capsule.PartyOrganisation), Name: capsule.Some("Globex"),
		Tags: []capsule.TagRef{{Name: capsule.Some("Customer")}},
		Fields: []capsule.CustomField{
			{Definition: capsule.RefID(num.ID), Value: capsule.NumberValue(250)},
			{Definition: capsule.Some(capsule.Ref{Name: capsule.Some("Tier")}), Value: capsule.StringValue("Gold")},
			{Definition: capsule.RefID(flag.ID), Value: capsule.BoolValue(true)},
		},
	}))
	if o.FirstName.Present() || o.LastName.Present() || o.JobTitle.Present() {
		t.Errorf("organisation carries person keys: %+v", o)
	}
	// A second tag by name in another case attaches the same tag.
	u := must[*capsule.Party](t)(c.Parties.Update(ctx, o.ID, &capsule.Party{Tags: []capsule.TagRef{{Name: capsule.Some("CUSTOMER")}}}))
	_ = u
	got := must[*capsule.Party](t)(c.Parties.Get(ctx, o.ID, &capsule.GetOptions{Embed: []string{"tags", "fields"}}))
	if len(got.Tags) != 1 || got.Tags[0].Name.Value() != "Customer" {
		t.Errorf("tags after case-insensitive re-attach = %+v", got.Tags)
	}
	tags := must[[]capsule.Tag](t)(c.Tags.List(ctx, capsule.EntityParties, nil))
	if len(tags) != 1 || tags[0].ID != got.Tags[0].ID {
		t.Errorf("tag definitions = %+v, record tag id %d", tags, got.Tags[0].ID)
	}
	vals := map[int64]capsule.CustomField{}
	for _, f := range got.Fields {
		vals[f.Definition.Value().ID] = f
	}
	if v := vals[num.ID].Value; v.String() != "250" || v.IsBool() {
		t.Errorf("number field = %#v, want the string \"250\"", v)
	}
	if raw, _ := vals[num.ID].Value.MarshalJSON(); string(raw) != `"250"` {
		t.Errorf("number field encodes as %s, want \"250\"", raw)
	}
	if f, err := vals[num.ID].Value.Float(); err != nil || f != 250 {
		t.Errorf("Float() = %v, %v", f, err)
	}
	if vals[tier.ID].Value.String() != "Gold" {
		t.Errorf("list field = %+v", vals[tier.ID])
	}
	if b, ok := vals[flag.ID].Value.Bool(); !ok || !b {
		t.Errorf("bool field = %+v", vals[flag.ID])
	}

	// Update a value row by id, clear one with null, remove one with _delete,
	// detach the tag.
	u = must[*capsule.Party](t)(c.Parties.Update(ctx, o.ID, &capsule.Party{
		Fields: []capsule.CustomField{
			{ID: vals[num.ID].ID, Value: capsule.StringValue("300")},
			{ID: vals[tier.ID].ID, Value: capsule.NullFieldValue()},
			{ID: vals[flag.ID].ID, Delete: true},
		},
		Tags: []capsule.TagRef{{ID: got.Tags[0].ID, Delete: true}},
	}))
	got = must[*capsule.Party](t)(c.Parties.Get(ctx, o.ID, &capsule.GetOptions{Embed: []string{"tags", "fields"}}))
	if len(got.Tags) != 0 {
		t.Errorf("tag not detached: %+v", got.Tags)
	}
	left := map[int64]string{}
	for _, f := range got.Fields {
		if !f.Value.IsNull() {
			left[f.Definition.Value().ID] = f.Value.String()
		}
	}
	if len(left) != 1 || left[num.ID] != "300" {
		t.Errorf("fields after update = %+v", got.Fields)
	}

	// Validation: list value outside options, null for a boolean, bad country.
	cases := []struct {
		name string
		p    capsule.Party
	}{
		{"list value not an option", capsule.Party{Fields: []capsule.CustomField{{Definition: capsule.RefID(tier.ID), Value: capsule.StringValue("Bronze")}}}},
		{"null boolean", capsule.Party{Fields: []capsule.CustomField{{Definition: capsule.RefID(flag.ID), Value: capsule.NullFieldValue()}}}},
		{"unknown country", capsule.Party{Addresses: []capsule.Address{{City: capsule.Some("X"), Country: capsule.Some("Atlantis")}}}},
		{"empty phone", capsule.Party{PhoneNumbers: []capsule.PhoneNumber{{Number: capsule.Some("")}}}},
		{"detach unattached tag", capsule.Party{Tags: []capsule.TagRef{{ID: tags[0].ID, Delete: true}}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := c.Parties.Update(ctx, o.ID, &tc.p)
			var er *capsule.ErrorResponse
			if !errors.As(err, &er) || er.StatusCode() != 422 || len(er.Errors) == 0 || er.Message != "Validation Failed" {
				t.Fatalf("err = %v, want 422 Validation Failed with field errors", err)
			}
			for _, fe := range er.Errors {
				if fe.Message == "" || fe.Resource == "" {
					t.Errorf("field error without message/resource: %+v", fe)
				}
			}
		})
	}
}
