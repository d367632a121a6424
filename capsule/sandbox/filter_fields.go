package sandbox

import (
	"strconv"
	"strings"
	"time"
)

func strs(ss ...*string) []any {
	var out []any
	for _, s := range ss {
		if s != nil {
			out = append(out, *s)
		}
	}
	return out
}

func dateOf(t time.Time) []any { return []any{t.UTC().Format(dateLayout)} }

func tagValues(c *call, e string, tags []int64) []any {
	var out []any
	for _, id := range tags {
		if t := c.st.tagByID(e, id); t != nil {
			out = append(out, t.Name, strconv.FormatInt(t.ID, 10))
		}
	}
	return out
}

func customValues(fields []fieldValue, def int64) []any {
	for _, f := range fields {
		if f.DefID == def {
			return []any{f.Value}
		}
	}
	return nil
}

func partyField(name string) (extractor, bool) {
	p := func(c *call, id int64) *party { return c.st.Parties[id] }
	contacts := func(f func(*party) []contact, pick func(contact) *string) func(*call, int64) []any {
		return func(c *call, id int64) []any {
			var out []any
			for _, ct := range f(p(c, id)) {
				out = append(out, strs(pick(ct))...)
			}
			return out
		}
	}
	addr := func(pick func(contact) *string) func(*call, int64) []any {
		return contacts(func(x *party) []contact { return x.Addresses }, pick)
	}
	switch name {
	case "id":
		return extractor{kNumber, func(c *call, id int64) []any { return []any{float64(id)} }}, true
	case "name":
		return extractor{kString, func(c *call, id int64) []any {
			x := p(c, id)
			full := strings.TrimSpace(deref(x.FirstName) + " " + deref(x.LastName))
			return append(strs(x.Name, x.FirstName, x.LastName), full)
		}}, true
	case "jobTitle":
		return extractor{kString, func(c *call, id int64) []any { return strs(p(c, id).JobTitle) }}, true
	case "email":
		return extractor{kString, contacts(func(x *party) []contact { return x.Emails }, func(ct contact) *string { return &ct.Address })}, true
	case "phone":
		return extractor{kString, contacts(func(x *party) []contact { return x.Phones }, func(ct contact) *string { return &ct.Number })}, true
	case "city":
		return extractor{kString, addr(func(ct contact) *string { return ct.City })}, true
	case "zip":
		return extractor{kString, addr(func(ct contact) *string { return ct.Zip })}, true
	case "state":
		return extractor{kString, addr(func(ct contact) *string { return ct.State })}, true
	case "country":
		return extractor{kString, addr(func(ct contact) *string { return ct.Country })}, true
	case "type":
		return extractor{kString, func(c *call, id int64) []any { return []any{p(c, id).Type} }}, true
	case "tag":
		return extractor{kString, func(c *call, id int64) []any { return tagValues(c, "parties", p(c, id).Tags) }}, true
	case "owner":
		return extractor{kNumber, func(c *call, id int64) []any { return []any{float64(p(c, id).OwnerID)} }}, true
	case "team":
		return extractor{kNumber, func(c *call, id int64) []any { return []any{float64(p(c, id).TeamID)} }}, true
	case "hasEmailAddress":
		return extractor{kBool, func(c *call, id int64) []any { return []any{len(p(c, id).Emails) > 0} }}, true
	case "hasPhoneNumber":
		return extractor{kBool, func(c *call, id int64) []any { return []any{len(p(c, id).Phones) > 0} }}, true
	case "hasAddress":
		return extractor{kBool, func(c *call, id int64) []any { return []any{len(p(c, id).Addresses) > 0} }}, true
	case "hasTags":
		return extractor{kBool, func(c *call, id int64) []any { return []any{len(p(c, id).Tags) > 0} }}, true
	case "addedOn":
		return extractor{kDate, func(c *call, id int64) []any { return dateOf(p(c, id).CreatedAt) }}, true
	case "updatedOn":
		return extractor{kDate, func(c *call, id int64) []any { return dateOf(p(c, id).UpdatedAt) }}, true
	case "org.name":
		return extractor{kString, func(c *call, id int64) []any {
			if org := c.st.Parties[p(c, id).OrgID]; org != nil {
				return strs(org.Name)
			}
			return nil
		}}, true
	case "org.tag":
		return extractor{kString, func(c *call, id int64) []any {
			if org := c.st.Parties[p(c, id).OrgID]; org != nil {
				return tagValues(c, "parties", org.Tags)
			}
			return nil
		}}, true
	}
	return extractor{}, false
}

func oppField(name string) (extractor, bool) {
	o := func(c *call, id int64) *opportunity { return c.st.Opportunities[id] }
	switch name {
	case "id":
		return extractor{kNumber, func(c *call, id int64) []any { return []any{float64(id)} }}, true
	case "name":
		return extractor{kString, func(c *call, id int64) []any { return []any{o(c, id).Name} }}, true
	case "milestone":
		return extractor{kString, func(c *call, id int64) []any {
			m, _ := c.st.milestone(o(c, id).MilestoneID)
			return []any{m.Name, strconv.FormatInt(m.ID, 10)}
		}}, true
	case "pipeline":
		return extractor{kString, func(c *call, id int64) []any {
			_, pl := c.st.milestone(o(c, id).MilestoneID)
			return []any{pl.Name, strconv.FormatInt(pl.ID, 10)}
		}}, true
	case "probability":
		return extractor{kNumber, func(c *call, id int64) []any { return []any{float64(o(c, id).Probability)} }}, true
	case "expectedValue":
		return extractor{kNumber, func(c *call, id int64) []any {
			if v := o(c, id).Value; v != nil {
				return []any{v.Amount}
			}
			return nil
		}}, true
	case "currency":
		return extractor{kString, func(c *call, id int64) []any {
			if v := o(c, id).Value; v != nil {
				return []any{v.Currency}
			}
			return nil
		}}, true
	case "tag":
		return extractor{kString, func(c *call, id int64) []any { return tagValues(c, "opportunities", o(c, id).Tags) }}, true
	case "owner":
		return extractor{kNumber, func(c *call, id int64) []any { return []any{float64(o(c, id).OwnerID)} }}, true
	case "isOpen":
		return extractor{kBool, func(c *call, id int64) []any { return []any{o(c, id).ClosedOn == nil} }}, true
	case "hasTags":
		return extractor{kBool, func(c *call, id int64) []any { return []any{len(o(c, id).Tags) > 0} }}, true
	case "addedOn":
		return extractor{kDate, func(c *call, id int64) []any { return dateOf(o(c, id).CreatedAt) }}, true
	case "updatedOn":
		return extractor{kDate, func(c *call, id int64) []any { return dateOf(o(c, id).UpdatedAt) }}, true
	case "closedOn":
		return extractor{kDate, func(c *call, id int64) []any { return strs(o(c, id).ClosedOn) }}, true
	case "expectedCloseOn":
		return extractor{kDate, func(c *call, id int64) []any { return strs(o(c, id).ExpectedCloseOn) }}, true
	}
	return extractor{}, false
}

func kaseField(name string) (extractor, bool) {
	k := func(c *call, id int64) *kase { return c.st.Kases[id] }
	switch name {
	case "id":
		return extractor{kNumber, func(c *call, id int64) []any { return []any{float64(id)} }}, true
	case "name":
		return extractor{kString, func(c *call, id int64) []any { return []any{k(c, id).Name} }}, true
	case "status":
		return extractor{kString, func(c *call, id int64) []any { return []any{k(c, id).Status} }}, true
	case "stage":
		return extractor{kString, func(c *call, id int64) []any {
			if s, _ := c.st.stage(k(c, id).StageID); s != nil {
				return []any{s.Name, strconv.FormatInt(s.ID, 10)}
			}
			return nil
		}}, true
	case "board":
		return extractor{kString, func(c *call, id int64) []any {
			if _, b := c.st.stage(k(c, id).StageID); b != nil {
				return []any{b.Name, strconv.FormatInt(b.ID, 10)}
			}
			return nil
		}}, true
	case "tag":
		return extractor{kString, func(c *call, id int64) []any { return tagValues(c, "kases", k(c, id).Tags) }}, true
	case "owner":
		return extractor{kNumber, func(c *call, id int64) []any { return []any{float64(k(c, id).OwnerID)} }}, true
	case "team":
		return extractor{kNumber, func(c *call, id int64) []any { return []any{float64(k(c, id).TeamID)} }}, true
	case "isOpen":
		return extractor{kBool, func(c *call, id int64) []any { return []any{k(c, id).Status == "OPEN"} }}, true
	case "hasTags":
		return extractor{kBool, func(c *call, id int64) []any { return []any{len(k(c, id).Tags) > 0} }}, true
	case "addedOn":
		return extractor{kDate, func(c *call, id int64) []any { return dateOf(k(c, id).CreatedAt) }}, true
	case "updatedOn":
		return extractor{kDate, func(c *call, id int64) []any { return dateOf(k(c, id).UpdatedAt) }}, true
	case "closedOn":
		return extractor{kDate, func(c *call, id int64) []any { return strs(k(c, id).ClosedOn) }}, true
	case "expectedCloseOn":
		return extractor{kDate, func(c *call, id int64) []any { return strs(k(c, id).ExpectedCloseOn) }}, true
	}
	return extractor{}, false
}
