package main

// The SDK method router adds vim25 methods to managed object types that the simulator already implements
// (VirtualMachine, HostSystem, ResourcePool, VirtualMachineSnapshot, Task), without replacing those objects.
//
// Why not wrap the objects in simulator.Map, as simulator/example_extend_test.go does? The simulator's own code
// asserts concrete types all over (Map.Get(ref).(*simulator.VirtualMachine) in snapshot, clone, relocate, power and
// performance code, Map.Get(ref).(*simulator.HostSystem) in CreateVM, events and datastore code), so a wrapped VM or
// host makes those paths panic; and VMs created later (CreateVM_Task, CloneVM_Task, ImportVApp) would not be wrapped.
//
// Instead, the router sits in front of the /sdk endpoint. For each SOAP request it reads the method name; when a
// route exists for (type of _this, method), it authenticates the request through the simulator's own session check,
// takes the same per-object lock the simulator takes, calls the route with a *simulator.Context and writes the SOAP
// response. Everything else (and any route that declines by returning nil) goes to the stock handler untouched.
//
// A route is a value whose exported methods are named and typed like the simulator's: the vmodl method name with
// "_Task" shortened to "Task", taking (*simulator.Context, *types.<Method>) or (*types.<Method>) and returning
// soap.HasFault. Register it with routeMethods in an init function.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sort"
	"strings"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
	"github.com/vmware/govmomi/vim25/xml"
)

// sdkRoute is one registered route: an object with methods for one managed object type.
type sdkRoute struct {
	handler interface{}
	// unlocked lists the Go method names that lock the objects they touch themselves, one at a time, instead
	// of running under the lock of _this (to avoid lock-order inversions with the simulator's own code).
	unlocked map[string]bool
}

var (
	sdkRoutes      = map[string][]sdkRoute{} // managed object type -> routes, consulted in order
	sdkRoutedNames = map[string]bool{}       // Go method names that any route implements
)

// routeMethods registers the methods of handler for managed objects of the given type. The Go method names
// listed in unlocked run without the router holding the lock of _this. Call it from init functions only.
func routeMethods(typeName string, handler interface{}, unlocked ...string) {
	route := sdkRoute{handler: handler, unlocked: map[string]bool{}}
	for _, name := range unlocked {
		route.unlocked[name] = true
	}
	sdkRoutes[typeName] = append(sdkRoutes[typeName], route)
	for _, name := range soapMethodNames(reflect.TypeOf(handler)) {
		sdkRoutedNames[name] = true
	}
}

// soapMethodNames lists the methods of t that look like simulator method handlers.
func soapMethodNames(t reflect.Type) []string {
	hasFault := reflect.TypeOf((*soap.HasFault)(nil)).Elem()
	var names []string
	for i := 0; i < t.NumMethod(); i++ {
		m := t.Method(i)
		in := m.Type.NumIn() // including the receiver
		if in < 2 || in > 3 || m.Type.NumOut() != 1 || m.Type.Out(0) != hasFault {
			continue
		}
		names = append(names, m.Name)
	}
	return names
}

// goMethodName maps a vmodl method name to the Go method name, the way simulator.Service.call does.
func goMethodName(vmodl string) string {
	name := strings.Title(vmodl) //nolint:staticcheck // same mapping as the simulator
	if strings.HasSuffix(name, "_Task") {
		name = strings.TrimSuffix(name, "_Task") + "Task"
	}
	return name
}

// vmodlMethodName maps a Go method name back to the vmodl method name ("RebootHostTask" -> "RebootHost_Task").
func vmodlMethodName(goName string) string {
	if strings.HasSuffix(goName, "Task") {
		if _, ok := types.TypeFunc()(strings.TrimSuffix(goName, "Task") + "_Task"); ok {
			return strings.TrimSuffix(goName, "Task") + "_Task"
		}
	}
	return goName
}

func init() {
	simulator.RegisterEndpoint(installSDKRouter)
	extensions = append(extensions, func(model *simulator.Model) {
		// The router is installed by an endpoint callback, which the simulator runs only with RegisterEndpoints.
		model.Service.RegisterEndpoints = true
	})
}

// installSDKRouter puts the router in front of the SDK endpoints. It runs inside Service.NewServer, after the stock
// handlers are registered and before the server starts: the http.Server already holds s.ServeMux (a pointer), so
// the mux value is replaced in place by a new mux that sends /sdk to the router and everything else to a copy of
// the old mux. Handlers registered later on s.ServeMux still work (longest pattern wins, "/" is the fallback).
// In ESX mode (esx_mode.go) there is no vAPI and the front mux sits behind the gate that drops a down host's requests;
// in vCenter mode the hosts' endpoint starts beside vCenter's (host_endpoint.go).
func installSDKRouter(s *simulator.Service, r *simulator.Registry) {
	// The mux values are copied with reflect (go vet rejects copying a value that contains a lock; here nothing
	// holds the lock: the server has not started).
	stock := new(http.ServeMux)
	reflect.ValueOf(stock).Elem().Set(reflect.ValueOf(s.ServeMux).Elem())
	router := &sdkRouter{stock: stock}

	front := http.NewServeMux()
	front.Handle("/", stock)
	front.HandleFunc("/about", router.about)
	if r.IsESX() {
		front.Handle(vim25.Path, router)
		front.Handle(vim25.Path+"/vimService", router)
		installESXMode(s, r, s.ServeMux, front) // no vAPI; the host can go down (esx_mode.go)
		return
	}
	setCurrentESX(nil)
	// The hosts are another endpoint than vCenter (host_endpoint.go): transfers are theirs, and the SDK answers
	// carry their certificate.
	sdk := installHostEndpoint(s, r, front, router)
	front.Handle(vim25.Path, sdk)
	front.Handle(vim25.Path+"/vimService", sdk)
	installVapiAPI(front, stock) // /api beside the stock /rest (vapi_api.go)
	setServeMux(s.ServeMux, front)
}

// setServeMux replaces the contents of the mux dst (which a server holds) by those of src.
func setServeMux(dst, src *http.ServeMux) {
	reflect.ValueOf(dst).Elem().Set(reflect.ValueOf(src).Elem())
}

type sdkRouter struct {
	stock http.Handler
}

func (rt *sdkRouter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		rt.stock.ServeHTTP(w, r)
		return
	}
	body, err := io.ReadAll(r.Body)
	_ = r.Body.Close()
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))

	if res := checkRequest(body); res != nil {
		writeSOAP(w, res)
		return
	}
	if rt.servePropertyPaging(w, r, body) {
		return
	}
	if res := rt.dispatch(r, body); res != nil {
		writeSOAP(w, res)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if name := soapMethodName(body); name == "WaitForUpdatesEx" || name == "WaitForUpdates" {
		defer trackWaitRequest(r, body)() // a long poll ends when its client goes (property_updates.go)
	}
	rt.stock.ServeHTTP(w, r)
}

// dispatch returns the response of a routed method, or nil to let the stock handler serve the request.
func (rt *sdkRouter) dispatch(r *http.Request, body []byte) soap.HasFault {
	name := soapMethodName(body)
	goName := goMethodName(name)
	checkBusy := busyEntitiesExist()
	if name == "" || (!sdkRoutedNames[goName] && !checkBusy) {
		return nil
	}

	method, err := decodeBody(body)
	if err != nil {
		return nil // the stock handler reports the decoding error
	}

	var handler reflect.Value
	var route sdkRoute
	for _, candidate := range sdkRoutes[method.This.Type] {
		if m := reflect.ValueOf(candidate.handler).MethodByName(goName); m.IsValid() {
			handler, route = m, candidate
			break
		}
	}
	var busy soap.HasFault
	if checkBusy {
		busy = busyFault(method.This, name)
	}
	if !handler.IsValid() && busy == nil {
		return nil
	}
	if simulator.Map.Get(method.This) == nil {
		return nil // ManagedObjectNotFound from the stock handler
	}

	session, ok := rt.session(r)
	if !ok {
		return nil // NotAuthenticated from the stock handler
	}
	if busy != nil {
		return busy
	}

	ctx := &simulator.Context{
		Context: r.Context(),
		Session: session,
		Header:  method.Header,
		Caller:  &method.This,
		Map:     simulator.Map,
	}

	var args []reflect.Value
	if handler.Type().NumIn() == 2 {
		args = append(args, reflect.ValueOf(ctx))
	}
	args = append(args, reflect.ValueOf(method.Body))

	var out []reflect.Value
	call := func() {
		defer func() {
			// A route that panics answers with a fault (the stock simulator drops the connection instead).
			if r := recover(); r != nil {
				log.Printf("%s on %s: panic: %v", name, method.This, r)
				out = []reflect.Value{reflect.ValueOf(&faultBody{Fault_: fault(fmt.Sprint(r), &types.SystemError{Reason: fmt.Sprint(r)})})}
			}
		}()
		out = handler.Call(args)
	}
	if route.unlocked[goName] {
		call()
	} else {
		simulator.Map.WithLock(method.This, call)
	}

	res, _ := out[0].Interface().(soap.HasFault)
	if res == nil || reflect.ValueOf(res).IsNil() {
		return nil // the route declined: the stock implementation runs
	}
	return res
}

// decodeBody decodes a SOAP request, turning a panic of the decoder (simulator.UnmarshalBody assumes every request
// type has a This field, which request types registered by other extensions may not) into an error.
func decodeBody(body []byte) (method *simulator.Method, err error) {
	defer func() {
		if r := recover(); r != nil {
			method, err = nil, fmt.Errorf("decoding the request: %v", r)
		}
	}()
	return simulator.UnmarshalBody(vimTypeFunc, body)
}

// vimTypeFunc resolves vim25 type names, tolerating a namespace prefix as the simulator does.
func vimTypeFunc(name string) (reflect.Type, bool) {
	typ, ok := types.TypeFunc()(name)
	if !ok {
		if kind := strings.SplitN(name, ":", 2); len(kind) == 2 {
			typ, ok = types.TypeFunc()(kind[1])
		}
	}
	return typ, ok
}

// soapMethodName returns the local name of the first element inside the SOAP Body, without decoding it.
func soapMethodName(body []byte) string {
	dec := xml.NewDecoder(bytes.NewReader(body))
	depth := 0
	inBody := false
	for {
		tok, err := dec.Token()
		if err != nil {
			return ""
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if inBody && depth == 3 {
				return t.Name.Local
			}
			if depth == 2 && t.Name.Local == "Body" {
				inBody = true
			}
		case xml.EndElement:
			if depth == 2 && t.Name.Local == "Body" {
				return ""
			}
			depth--
		}
	}
}

const currentTimeRequest = `<?xml version="1.0" encoding="UTF-8"?>` +
	`<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>` +
	`<CurrentTime xmlns="urn:vim25"><_this type="ServiceInstance">ServiceInstance</_this></CurrentTime>` +
	`</soapenv:Body></soapenv:Envelope>`

// session authenticates the request the way the simulator does, by having the stock handler serve a CurrentTime
// call with the same cookies (which also refreshes the session's idle timer), then finds the session's UserSession.
func (rt *sdkRouter) session(r *http.Request) (*simulator.Session, bool) {
	probe, err := http.NewRequest(http.MethodPost, r.URL.String(), strings.NewReader(currentTimeRequest))
	if err != nil {
		return nil, false
	}
	probe.Header = r.Header.Clone()
	probe.Header.Del("Content-Length")
	probe.RemoteAddr = r.RemoteAddr
	probe.TLS = r.TLS
	probe.URL.Path = r.URL.Path
	rec := httptest.NewRecorder()
	rt.stock.ServeHTTP(rec, probe)
	if rec.Code != http.StatusOK {
		return nil, false
	}

	cookie, err := r.Cookie(soap.SessionCookieName)
	if err != nil {
		return nil, false
	}
	session := &simulator.Session{Registry: simulator.NewRegistry()}
	// Session.Get on the SessionManager returns a copy whose sessionList holds every live session.
	if sm, ok := session.Get(simulator.Map.SessionManager().Reference()).(*simulator.SessionManager); ok {
		for _, us := range sm.SessionList {
			if us.Key == cookie.Value {
				session.UserSession = us
				return session, true
			}
		}
	}
	return nil, false
}

// The response encoding below mirrors simulator.Service.ServeSDK (whose envelope types are unexported).

type routerEnvelope struct {
	XMLName xml.Name    `xml:"soapenv:Envelope"`
	Enc     string      `xml:"xmlns:soapenc,attr"`
	Env     string      `xml:"xmlns:soapenv,attr"`
	XSD     string      `xml:"xmlns:xsd,attr"`
	XSI     string      `xml:"xmlns:xsi,attr"`
	Body    interface{} `xml:"soapenv:Body"`
}

type routerFaultDetail struct {
	Fault types.AnyType
}

func (d *routerFaultDetail) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	kind := reflect.TypeOf(d.Fault).Elem().Name()
	start.Name.Local = kind + "Fault"
	start.Attr = append(start.Attr,
		xml.Attr{Name: xml.Name{Local: "xmlns"}, Value: "urn:" + vim25.Namespace},
		xml.Attr{Name: xml.Name{Local: "xsi:type"}, Value: kind})
	return e.EncodeElement(d.Fault, start)
}

type routerFault struct {
	XMLName xml.Name `xml:"soapenv:Fault"`
	Code    string   `xml:"faultcode"`
	String  string   `xml:"faultstring"`
	Detail  struct {
		Fault *routerFaultDetail
	} `xml:"detail"`
}

type routerResponse struct {
	Body soap.HasFault
}

func (r *routerResponse) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	val := reflect.ValueOf(r.Body).Elem().FieldByName("Res")
	if !val.IsValid() || val.IsNil() {
		return fmt.Errorf("%T: invalid response (no 'Res')", r.Body)
	}
	res := xml.StartElement{Name: xml.Name{Space: "urn:" + vim25.Namespace, Local: val.Elem().Type().Name()}}
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	if err := e.EncodeElement(val.Interface(), res); err != nil {
		return err
	}
	return e.EncodeToken(start.End())
}

func writeSOAP(w http.ResponseWriter, res soap.HasFault) {
	env := routerEnvelope{
		Enc: "http://schemas.xmlsoap.org/soap/encoding/",
		Env: "http://schemas.xmlsoap.org/soap/envelope/",
		XSD: "http://www.w3.org/2001/XMLSchema",
		XSI: "http://www.w3.org/2001/XMLSchema-instance",
	}
	status := http.StatusOK
	if f := res.Fault(); f != nil {
		status = http.StatusInternalServerError
		fault := &routerFault{Code: f.Code, String: f.String}
		fault.Detail.Fault = &routerFaultDetail{Fault: f.Detail.Fault}
		env.Body = struct{ Fault *routerFault }{fault}
	} else {
		env.Body = &routerResponse{Body: res}
	}

	var out bytes.Buffer
	fmt.Fprint(&out, xml.Header)
	enc := xml.NewEncoder(&out)
	err := enc.Encode(&env)
	if err == nil {
		err = enc.Flush()
	}
	if err != nil {
		log.Printf("encoding %T response: %s", res, err)
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(out.Bytes())
}

// about adds the routed methods to the stock /about listing, so that clients can feature-detect them.
func (rt *sdkRouter) about(w http.ResponseWriter, r *http.Request) {
	rec := httptest.NewRecorder()
	rt.stock.ServeHTTP(rec, r)
	var about struct {
		Methods []string
		Types   []string
	}
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &about) != nil {
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
		return
	}
	seen := map[string]bool{}
	for _, m := range about.Methods {
		seen[m] = true
	}
	for goName := range sdkRoutedNames {
		if name := vmodlMethodName(goName); !seen[name] {
			seen[name] = true
			about.Methods = append(about.Methods, name)
		}
	}
	sort.Strings(about.Methods)
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(&about)
}
