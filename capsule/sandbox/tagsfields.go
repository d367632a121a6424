package sandbox

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

func renderTag(t *tagDef) any {
	return obj{}.add("id", t.ID).add("name", t.Name).add("description", sp(t.Description)).add("dataTag", t.DataTag)
}

func listTags(e string) func(*call) response {
	return func(c *call) response {
		p, bad := c.paging(100)
		if bad != nil {
			return *bad
		}
		return pageOf(c, "tags", c.st.Tags[e], p, renderTag)
	}
}

func showTag(e string) func(*call) response {
	return func(c *call) response {
		id, _ := c.id()
		if t := c.st.tagByID(e, id); t != nil {
			return ok(obj{}.add("tag", renderTag(t)))
		}
		return notFound()
	}
}

func createTag(e string) func(*call) response {
	return func(c *call) response {
		m, bad := c.wrapped("tag")
		if bad != nil {
			return *bad
		}
		v := &validation{resource: "tag"}
		name, _ := str(m, "name", v)
		desc, _ := str(m, "description", v)
		var dataTag bool
		if raw, has := m["dataTag"]; has {
			_ = json.Unmarshal(raw, &dataTag)
		}
		if name == nil || strings.TrimSpace(*name) == "" {
			v.add("name", "name is required")
		} else if c.st.tagByName(e, *name, false) != nil {
			v.add("name", "name has already been taken")
		}
		if v.failed() {
			return v.response()
		}
		t := &tagDef{ID: c.st.newID(), Name: strings.TrimSpace(*name), Description: desc, DataTag: dataTag}
		c.st.Tags[e] = append(c.st.Tags[e], t)
		return created(fmt.Sprintf("%s/%s/tags/%d", c.base, e, t.ID), obj{}.add("tag", renderTag(t)))
	}
}

// deleteTag removes the definition and detaches it from every record.
func deleteTag(e string) func(*call) response {
	return func(c *call) response {
		id, _ := c.id()
		if c.st.tagByID(e, id) == nil {
			return notFound()
		}
		c.st.Tags[e] = slices.DeleteFunc(slices.Clone(c.st.Tags[e]), func(t *tagDef) bool { return t.ID == id })
		drop := func(tags []int64) []int64 {
			return slices.DeleteFunc(slices.Clone(tags), func(x int64) bool { return x == id })
		}
		switch e {
		case "parties":
			for k, p := range c.st.Parties {
				if slices.Contains(p.Tags, id) {
					cp := *p
					cp.Tags = drop(p.Tags)
					c.st.Parties[k] = &cp
				}
			}
		case "opportunities":
			for k, o := range c.st.Opportunities {
				if slices.Contains(o.Tags, id) {
					cp := *o
					cp.Tags = drop(o.Tags)
					c.st.Opportunities[k] = &cp
				}
			}
		case "kases":
			for k, x := range c.st.Kases {
				if slices.Contains(x.Tags, id) {
					cp := *x
					cp.Tags = drop(x.Tags)
					c.st.Kases[k] = &cp
				}
			}
		}
		return noContent()
	}
}

func renderFieldDef(c *call, e string, d *fieldDef) any {
	var tag any
	if t := c.st.tagByID(e, d.TagID); t != nil {
		tag = obj{}.add("id", t.ID).add("name", t.Name).add("dataTag", t.DataTag)
	}
	o := obj{}.add("id", d.ID).add("type", d.Type).add("description", sp(d.Description)).add("important", d.Important).
		add("displayOrder", d.DisplayOrder).add("name", d.Name).add("tag", tag).add("captureRule", sp(d.CaptureRule))
	if d.Type == "list" {
		o = o.add("options", d.Options)
	}
	return o
}

func listFieldDefs(e string) func(*call) response {
	return func(c *call) response {
		p, bad := c.paging(100)
		if bad != nil {
			return *bad
		}
		return pageOf(c, "definitions", c.st.FieldDefs[e], p, func(d *fieldDef) any { return renderFieldDef(c, e, d) })
	}
}

// tagFieldDefs lists the fields of one data tag (GET /{e}/tags/{id}/definitions,
// doc 14.1, seen in Zestia's own client).
func tagFieldDefs(e string) func(*call) response {
	return func(c *call) response {
		id, _ := c.id()
		if c.st.tagByID(e, id) == nil {
			return notFound()
		}
		out := []any{}
		for _, d := range c.st.FieldDefs[e] {
			if d.TagID == id {
				out = append(out, renderFieldDef(c, e, d))
			}
		}
		return ok(obj{}.add("definitions", out))
	}
}

func showFieldDef(e string) func(*call) response {
	return func(c *call) response {
		id, _ := c.id()
		if d := c.st.fieldDef(e, id); d != nil {
			return ok(obj{}.add("definition", renderFieldDef(c, e, d)))
		}
		return notFound()
	}
}

var fieldTypes = []string{"text", "date", "list", "boolean", "number", "link"}

func createFieldDef(e string) func(*call) response {
	return func(c *call) response {
		m, bad := c.wrapped("definition")
		if bad != nil {
			return *bad
		}
		v := &validation{resource: "definition"}
		var in struct {
			Name        string   `json:"name"`
			Description *string  `json:"description"`
			Type        string   `json:"type"`
			Options     []string `json:"options"`
			Important   bool     `json:"important"`
			CaptureRule *string  `json:"captureRule"`
			Tag         *struct {
				ID   int64  `json:"id"`
				Name string `json:"name"`
			} `json:"tag"`
		}
		raw, _ := json.Marshal(m)
		if err := json.Unmarshal(raw, &in); err != nil {
			return badRequest("definition has a key of the wrong type: " + err.Error())
		}
		if strings.TrimSpace(in.Name) == "" {
			v.add("name", "name is required")
		}
		if !slices.Contains(fieldTypes, in.Type) {
			v.add("type", "type must be one of "+strings.Join(fieldTypes, ", "))
		}
		if in.Type == "list" && len(in.Options) == 0 {
			v.add("options", "options are required for a list field")
		}
		d := &fieldDef{ID: 0, Name: in.Name, Description: in.Description, Type: in.Type, Options: in.Options,
			Important: in.Important, CaptureRule: in.CaptureRule, DisplayOrder: len(c.st.FieldDefs[e]) + 1}
		if in.Tag != nil {
			var t *tagDef
			if in.Tag.ID != 0 {
				t = c.st.tagByID(e, in.Tag.ID)
			} else {
				t = c.st.tagByName(e, in.Tag.Name, false)
			}
			if t == nil || !t.DataTag {
				v.add("tag", "tag must be an existing data tag")
			} else {
				d.TagID = t.ID
			}
		}
		if v.failed() {
			return v.response()
		}
		d.ID = c.st.newID()
		c.st.FieldDefs[e] = append(c.st.FieldDefs[e], d)
		return created(fmt.Sprintf("%s/%s/fields/definitions/%d", c.base, e, d.ID), obj{}.add("definition", renderFieldDef(c, e, d)))
	}
}
