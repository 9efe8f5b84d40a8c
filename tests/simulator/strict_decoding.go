package main

// Strict SOAP decoding, as vCenter's deserializer does it. govmomi's decoder skips what it does not know; vCenter
// refuses the whole request with InvalidRequest and a fault string that names the element and where it was seen:
//
//   - a child element that is not a property of the data object's type (an unknown name, or a property of a derived
//     type in a base-typed field whose value carries no xsi:type, e.g. a VirtualDisk's capacityInKB in
//     deviceChange/device without xsi:type="VirtualDisk"):
//     `Unexpected element tag "capacityInKB" seen while parsing serialized DataObject of type VirtualDevice`;
//   - properties out of the WSDL's sequence order, or a single-valued property repeated (same message);
//   - a value in an anyType field (OptionValue.value, DynamicProperty.val...) without xsi:type:
//     `Unable to determine type of Any` ... `while parsing property "value" of static type anyType`.
//
// The fault string goes on with the context, innermost first ("while parsing property ... of static type ...",
// "while parsing call information for method ...", "at line L, column C", "while parsing SOAP body"), as vCenter's does;
// vCenter names data object types by their VMODL names (vim.vm.ConfigSpec), the test bed by their WSDL names.
//
// The check walks the raw request once (linear in its size) against govmomi's type registry: types.TypeFunc() gives the
// request type of the method element, reflect gives each type's properties in declaration order (govmomi generates
// vim25/types/types.go in the WSDL's order, base type first through the embedded struct), the xml tags their names.
// Requests for methods the registry does not know, and values whose xsi:type it does not know, are left to the
// simulator. -strict-decoding=false turns the check off.

import (
	"bytes"
	"encoding/xml"
	"flag"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

var strictDecoding = true

func init() {
	flag.BoolVar(&strictDecoding, "strict-decoding", strictDecoding,
		"refuse requests with unknown or misordered elements, or untyped anyType values, as vCenter does")
	requestChecks = append(requestChecks, func(method string, body []byte) soap.HasFault {
		if !strictDecoding {
			return nil
		}
		if msg := strictDecodingFault(body); msg != "" {
			return &faultBody{Fault_: simulator.Fault(msg, &types.InvalidRequest{})}
		}
		return nil
	})
}

const xsiNamespace = "http://www.w3.org/2001/XMLSchema-instance"

var (
	anyTypeType     = reflect.TypeOf((*types.AnyType)(nil)).Elem()
	timeType        = reflect.TypeOf(time.Time{})
	dynamicDataType = reflect.TypeOf(types.DynamicData{})
	referenceType   = reflect.TypeOf(types.ManagedObjectReference{})
)

// strictField is one property of a data object type, in sequence order.
type strictField struct {
	name     string
	typ      reflect.Type // the declared type, without slice and pointer
	repeated bool         // an array property
}

// strictType is the sequence of properties of a data object (or request) type, base type's first.
type strictType struct {
	name   string
	fields []strictField
	index  map[string]int
}

var strictTypes sync.Map // reflect.Type -> *strictType

func strictTypeOf(t reflect.Type) *strictType {
	if st, ok := strictTypes.Load(t); ok {
		return st.(*strictType)
	}
	st := &strictType{name: t.Name(), index: map[string]int{}}
	st.collect(t)
	actual, _ := strictTypes.LoadOrStore(t, st)
	return actual.(*strictType)
}

func (st *strictType) collect(t reflect.Type) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Type == dynamicDataType {
			// govmomi leaves out DynamicData's own properties, which every data object has first in the WSDL.
			st.add(strictField{name: "dynamicType", typ: reflect.TypeOf("")})
			st.add(strictField{name: "dynamicProperty", typ: reflect.TypeOf(types.DynamicProperty{}), repeated: true})
			continue
		}
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			st.collect(f.Type) // the base type's properties come first
			continue
		}
		tag := f.Tag.Get("xml")
		if tag == "-" || f.Name == "XMLName" || f.PkgPath != "" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if strings.Contains(","+opts+",", ",attr,") || strings.Contains(opts, "chardata") || strings.Contains(opts, "innerxml") {
			continue
		}
		if name == "" {
			name = f.Name
		}
		typ, repeated := f.Type, false
		if typ.Kind() == reflect.Slice && typ.Elem().Kind() != reflect.Uint8 {
			typ, repeated = typ.Elem(), true
		}
		for typ.Kind() == reflect.Ptr {
			typ = typ.Elem()
		}
		st.add(strictField{name: name, typ: typ, repeated: repeated})
	}
}

func (st *strictType) add(f strictField) {
	if _, dup := st.index[f.name]; !dup {
		st.index[f.name] = len(st.fields)
		st.fields = append(st.fields, f)
	}
}

// isComplex reports whether values of t are data objects, whose child elements are checked.
func isComplex(t reflect.Type) bool {
	return t.Kind() == reflect.Struct && t != timeType && t != referenceType
}

// staticTypeName is the WSDL name of a declared type, as vCenter's "of static type" names it.
func staticTypeName(t reflect.Type) string {
	switch {
	case t == anyTypeType:
		return "anyType"
	case t == timeType:
		return "dateTime"
	case t.Kind() == reflect.Interface:
		return strings.TrimPrefix(t.Name(), "Base")
	case t.Kind() == reflect.Slice:
		return "base64Binary"
	case t.Kind() == reflect.String && t.Name() != "string":
		return t.Name() // an enum
	}
	switch t.Kind() {
	case reflect.Bool:
		return "boolean"
	case reflect.Int8, reflect.Uint8:
		return "byte"
	case reflect.Int16:
		return "short"
	case reflect.Int32:
		return "int"
	case reflect.Int64:
		return "long"
	case reflect.Float32:
		return "float"
	case reflect.Float64:
		return "double"
	}
	return t.Name()
}

// vimType resolves an xsi:type value to a vim25 type (nil for XML Schema types and unknown names).
func vimType(xsiType string) reflect.Type {
	if prefix, local, ok := strings.Cut(xsiType, ":"); ok {
		if prefix == "xsd" {
			return nil
		}
		xsiType = local
	}
	if t, ok := types.TypeFunc()(xsiType); ok {
		return t
	}
	return nil
}

// strictDecodingFault returns vCenter's fault string for a request it would refuse, or "".
func strictDecodingFault(body []byte) string {
	w := &strictWalker{dec: xml.NewDecoder(bytes.NewReader(body))}
	msg, _ := w.envelope()
	return msg
}

type strictWalker struct {
	dec     *xml.Decoder
	context []strictFrame // outermost first; rendered only for a fault
}

// strictFrame is one level of the fault's context: a method's parameters, a data object, or a property.
type strictFrame struct {
	method       string       // call information for this method
	object       reflect.Type // or a serialized data object of this type
	property     string       // or this property, declared as static
	static       reflect.Type
	line, column int
}

func (f strictFrame) String() string {
	var what string
	switch {
	case f.property != "":
		what = fmt.Sprintf("property %q of static type %s", f.property, staticTypeName(f.static))
	case f.method != "":
		what = "call information for method " + f.method
	default:
		what = "serialized DataObject of type " + f.object.Name()
	}
	return fmt.Sprintf("while parsing %s\nat line %d, column %d", what, f.line, f.column)
}

// errRefused stops the walk; the message is in the walker's result.
type errRefused struct{ msg string }

func (e *errRefused) Error() string { return e.msg }

func (w *strictWalker) frame(f strictFrame) strictFrame {
	f.line, f.column = w.dec.InputPos()
	return f
}

// refuse builds the fault string: what was wrong (head, at the current position), then the context, innermost first.
func (w *strictWalker) refuse(head string) error {
	line, column := w.dec.InputPos()
	var b strings.Builder
	fmt.Fprintf(&b, "%s\nat line %d, column %d", head, line, column)
	for i := len(w.context) - 1; i >= 0; i-- {
		b.WriteString("\n\n")
		b.WriteString(w.context[i].String())
	}
	b.WriteString("\n\nwhile parsing SOAP body\n\nwhile parsing SOAP envelope")
	return &errRefused{msg: b.String()}
}

// envelope finds the method element in the SOAP body and checks it; a body that is not well-formed XML, or a method
// the registry does not know, is left to the simulator.
func (w *strictWalker) envelope() (string, error) {
	depth := 0
	for {
		tok, err := w.dec.Token()
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth == 2 && t.Name.Local != "Body" {
				if err := w.dec.Skip(); err != nil {
					return "", err
				}
				depth--
				continue
			}
			if depth == 3 {
				req, ok := types.TypeFunc()(t.Name.Local)
				if !ok || req.Kind() != reflect.Struct {
					return "", nil
				}
				// Request types that re-address a stock request (see gx_common.go) keep it in Req.
				if f, ok := req.FieldByName("Req"); ok && f.Tag.Get("xml") == "-" && f.Type.Kind() == reflect.Struct {
					req = f.Type
				}
				err := w.object(req, w.frame(strictFrame{method: t.Name.Local}))
				if r, ok := err.(*errRefused); ok {
					return r.msg, nil
				}
				return "", err
			}
		case xml.EndElement:
			depth--
		}
	}
}

// object checks the children of the current element against the properties of t; self describes the element (a
// method's parameters or a data object) for the fault.
func (w *strictWalker) object(t reflect.Type, self strictFrame) error {
	st := strictTypeOf(t)
	last := -1
	for {
		tok, err := w.dec.Token()
		if err != nil {
			return err
		}
		switch child := tok.(type) {
		case xml.StartElement:
			i, known := st.index[child.Name.Local]
			if !known || i < last || (i == last && !st.fields[i].repeated) {
				head := strings.TrimPrefix(strings.SplitN(self.String(), "\n", 2)[0], "while parsing ")
				return w.refuse(fmt.Sprintf("Unexpected element tag %q seen while parsing %s", child.Name.Local, head))
			}
			last = i
			w.context = append(w.context, self)
			if err := w.value(child, st.fields[i]); err != nil {
				return err
			}
			w.context = w.context[:len(w.context)-1]
		case xml.EndElement:
			return nil
		}
	}
}

// value checks one property value, whose start element has just been read.
func (w *strictWalker) value(start xml.StartElement, field strictField) error {
	xsiType := ""
	for _, a := range start.Attr {
		if a.Name.Space == xsiNamespace && a.Name.Local == "type" {
			xsiType = a.Value
		}
	}
	actual := field.typ
	switch {
	case xsiType != "":
		if t := vimType(xsiType); t != nil {
			actual = t
		} else if field.typ.Kind() == reflect.Interface {
			return w.dec.Skip() // an XML Schema type, or one the registry does not know
		}
	case field.typ == anyTypeType:
		return w.refuse(fmt.Sprintf("Unable to determine type of Any\nwhile parsing property %q of static type anyType", field.name))
	case field.typ.Kind() == reflect.Interface:
		t, ok := types.TypeFunc()(staticTypeName(field.typ))
		if !ok {
			return w.dec.Skip()
		}
		actual = t
	}
	if !isComplex(actual) {
		return w.dec.Skip()
	}
	w.context = append(w.context, w.frame(strictFrame{property: field.name, static: field.typ}))
	if err := w.object(actual, w.frame(strictFrame{object: actual})); err != nil {
		return err
	}
	w.context = w.context[:len(w.context)-1]
	return nil
}
