package main

// Property paths as vCenter checks them. The PropertyCollector resolves each path of a PropertySpec against the
// declared types of the spec's managed object type, not against the values of the objects it collects: a path fails
// when one of its names is not a property of the declared type at that point (an unknown property, or one that only a
// subtype has, e.g. summary.opaqueNetworkId on Network, whose summary is declared NetworkSummary and only
// OpaqueNetworkSummary has opaqueNetworkId), or when it goes on past an array (config.hardware.device.backing), a
// primitive or an anyType. Then RetrieveProperties, RetrievePropertiesEx and CreateFilter fail as a whole with
// InvalidProperty whose name is the path (vmodl.query.InvalidProperty; vCenter lists no partial results). The stock
// simulator follows the actual values instead: it serves subtype members, skips unknown paths into missingSet and
// panics on arrays. A property that is valid but unset is simply left out of propSet, as vCenter does.
//
// Declared types come from govmomi: vim25/mo for managed objects (with their embedded base types) and vim25/types for
// data objects; a Base* interface field is declared as its base type. Specs for types govmomi does not know are left
// to the simulator. -check-property-paths=false turns the check off.

import (
	"flag"
	"reflect"
	"strings"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

var checkPropertyPaths = true

func init() {
	flag.BoolVar(&checkPropertyPaths, "check-property-paths", checkPropertyPaths,
		"fail PropertyCollector calls whose property paths vCenter rejects (subtype members, paths through arrays)")
	requestChecks = append(requestChecks, func(method string, body []byte) soap.HasFault {
		if !checkPropertyPaths {
			return nil
		}
		switch method {
		case "RetrieveProperties", "RetrievePropertiesEx", "CreateFilter":
		default:
			return nil
		}
		req, err := decodeBody(body)
		if err != nil {
			return nil // the stock handler reports it
		}
		var specs []types.PropertyFilterSpec
		switch r := req.Body.(type) {
		case *types.RetrieveProperties:
			specs = r.SpecSet
		case *types.RetrievePropertiesEx:
			specs = r.SpecSet
		case *types.CreateFilter:
			specs = []types.PropertyFilterSpec{r.Spec}
		}
		if path := invalidPropertyPath(specs); path != "" {
			return &faultBody{Fault_: simulator.Fault("", &types.InvalidProperty{Name: path})}
		}
		return nil
	})
}

// invalidPropertyPath returns the first path of the specs that vCenter rejects, or "".
func invalidPropertyPath(specs []types.PropertyFilterSpec) string {
	for _, spec := range specs {
		for _, ps := range spec.PropSet {
			t, ok := managedObjectType(ps.Type)
			if !ok {
				continue
			}
			for _, path := range ps.PathSet {
				if !validPropertyPath(t, path) {
					return path
				}
			}
		}
	}
	return ""
}

// managedObjectType is the vim25/mo type of a managed object type name (ManagedEntity, ComputeResource included).
func managedObjectType(name string) (t reflect.Type, ok bool) {
	defer func() {
		if recover() != nil { // mo panics on type names it does not know
			t, ok = nil, false
		}
	}()
	v, err := mo.ObjectContentToType(types.ObjectContent{Obj: types.ManagedObjectReference{Type: name, Value: "-"}})
	if err != nil || v == nil {
		return nil, false
	}
	return reflect.TypeOf(v), true
}

// validPropertyPath reports whether path names a property of the managed object type t, through declared types only.
func validPropertyPath(t reflect.Type, path string) bool {
	names := strings.Split(path, ".")
	cur := t
	for i, name := range names {
		f, ok := declaredProperty(cur, name, i == 0)
		if !ok {
			return false
		}
		if i == len(names)-1 {
			return true
		}
		typ := f
		for typ.Kind() == reflect.Ptr {
			typ = typ.Elem()
		}
		switch typ.Kind() {
		case reflect.Struct:
			cur = typ
		case reflect.Interface:
			if typ == anyTypeType {
				return false
			}
			base, ok := types.TypeFunc()(strings.TrimPrefix(typ.Name(), "Base"))
			if !ok {
				return false
			}
			cur = base
		default: // arrays, primitives, enums: no properties below
			return false
		}
	}
	return false
}

// declaredProperty finds the property name of t (a managed object type, whose properties carry mo tags, or a data
// object type, whose properties carry xml tags), searching embedded base types; it returns the declared Go type.
func declaredProperty(t reflect.Type, name string, managed bool) (reflect.Type, bool) {
	if t.Kind() != reflect.Struct || t == timeType {
		return nil, false
	}
	if !managed {
		st := strictTypeOf(t)
		i, ok := st.index[name]
		if !ok {
			return nil, false
		}
		if st.fields[i].repeated {
			return reflect.SliceOf(st.fields[i].typ), true
		}
		return st.fields[i].typ, true
	}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			if typ, ok := declaredProperty(f.Type, name, true); ok {
				return typ, true
			}
			continue
		}
		if tag, _, _ := strings.Cut(f.Tag.Get("mo"), ","); tag == name {
			return f.Type, true
		}
	}
	return nil, false
}
