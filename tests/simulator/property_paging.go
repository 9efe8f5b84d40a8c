package main

// PropertyCollector paging, as vCenter does it (vSphere API reference, PropertyCollector, RetrieveOptions and
// RetrieveResult):
//
//   - RetrievePropertiesEx returns at most options.maxObjects objects, and never more than the server's own cap
//     (-retrieve-max-objects, default 100; vCenter's policy "may still limit the count to something less than
//     maxObjects"). While objects remain, the RetrieveResult carries a token.
//   - ContinueRetrievePropertiesEx(token) returns the next page, with a new token while objects still remain.
//     CancelRetrievePropertiesEx(token) discards the rest.
//   - "Each token may be passed to ContinueRetrievePropertiesEx only once, and only in the same session in which it
//     was returned and to the same PropertyCollector object that returned it": a spent, cancelled or unknown token,
//     a token of another session or of another collector gives InvalidArgument (invalidProperty "token"), and the
//     owner can still use its token afterwards.
//   - maxObjects less than or equal to 0 "is illegal": InvalidArgument (invalidProperty "maxObjects").
//   - RetrieveProperties (deprecated, no token in its result) still returns every object in one answer.
//
// The stock simulator computes the whole result and ignores maxObjects. Here the stock handler still computes it
// (so the filter semantics, session objects such as ContainerViews, and the missingSet of a dead session are the
// simulator's own), and the answer is cut into pages at the XML level: each <objects> element of the stock answer
// is kept byte for byte, and the remaining ones are held, per token, until continued or cancelled. The rest of a
// retrieval is a snapshot taken by RetrievePropertiesEx; vCenter computes later pages lazily, so objects that change
// between pages may differ there.

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// retrieveMaxObjects is the server's cap on objects per RetrievePropertiesEx page; 0 turns paging off.
var retrieveMaxObjects = 100

func init() {
	flag.IntVar(&retrieveMaxObjects, "retrieve-max-objects", retrieveMaxObjects,
		"the most objects in one RetrievePropertiesEx / ContinueRetrievePropertiesEx page, whatever maxObjects asks (0: no cap)")
	simulator.RegisterEndpoint(func(s *simulator.Service, _ *simulator.Registry) {
		s.HandleFunc(pagingStatsPath, servePagingStats)
	})
}

// pagingStatsPath serves, for tests and benchmarks, how many paging calls the server answered and how many
// retrievals still wait for their token: {"RetrievePropertiesEx": n, "ContinueRetrievePropertiesEx": n,
// "CancelRetrievePropertiesEx": n, "pending": n}.
const pagingStatsPath = "/vcsim/property-paging"

var pagingCalls = struct {
	sync.Mutex
	byMethod map[string]int
}{byMethod: map[string]int{}}

func servePagingStats(w http.ResponseWriter, _ *http.Request) {
	stats := map[string]int{}
	pagingCalls.Lock()
	for _, method := range []string{"RetrievePropertiesEx", "ContinueRetrievePropertiesEx", "CancelRetrievePropertiesEx"} {
		stats[method] = pagingCalls.byMethod[method]
	}
	pagingCalls.Unlock()
	pendingRetrievals.Lock()
	stats["pending"] = len(pendingRetrievals.byToken)
	pendingRetrievals.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(stats)
}

// pendingRetrieval is what remains of one RetrievePropertiesEx, waiting for its token.
type pendingRetrieval struct {
	session   string                       // the UserSession key that may continue it
	collector types.ManagedObjectReference // the PropertyCollector that returned it
	pageSize  int
	objects   [][]byte // the remaining <objects> elements, as the stock handler wrote them
	envelope  pageEnvelope
}

// pageEnvelope is the SOAP envelope of the stock answer around its response element.
type pageEnvelope struct {
	head, tail []byte
}

var pendingRetrievals = struct {
	sync.Mutex
	byToken map[string]*pendingRetrieval
}{byToken: map[string]*pendingRetrieval{}}

// servePropertyPaging serves RetrievePropertiesEx, ContinueRetrievePropertiesEx and CancelRetrievePropertiesEx
// and reports whether it did; other requests are left to the router.
func (rt *sdkRouter) servePropertyPaging(w http.ResponseWriter, r *http.Request, body []byte) bool {
	method := soapMethodName(body)
	switch method {
	case "RetrievePropertiesEx":
		rt.retrieveFirstPage(w, r, body)
	case "ContinueRetrievePropertiesEx":
		rt.continueRetrieval(w, r, body)
	case "CancelRetrievePropertiesEx":
		rt.cancelRetrieval(w, r, body)
	default:
		return false
	}
	pagingCalls.Lock()
	pagingCalls.byMethod[method]++
	pagingCalls.Unlock()
	return true
}

func (rt *sdkRouter) retrieveFirstPage(w http.ResponseWriter, r *http.Request, body []byte) {
	pageSize := retrieveMaxObjects
	if asked, set := requestInt(body, "maxObjects"); set {
		if asked <= 0 {
			writeSOAP(w, &faultBody{Fault_: fault(fmt.Sprintf("A specified parameter was not correct: maxObjects (%d)", asked),
				&types.InvalidArgument{InvalidProperty: "maxObjects"})})
			return
		}
		if pageSize == 0 || asked < pageSize {
			pageSize = asked
		}
	}

	rec := httptest.NewRecorder()
	r.Body = io.NopCloser(bytes.NewReader(body))
	rt.stock.ServeHTTP(rec, r)
	if pageSize == 0 || rec.Code != http.StatusOK {
		copyRecorded(w, rec)
		return
	}
	envelope, objects, ok := splitRetrieveResult(rec.Body.Bytes())
	if !ok || len(objects) <= pageSize {
		copyRecorded(w, rec)
		return
	}
	session, ok := rt.session(r)
	if !ok {
		copyRecorded(w, rec) // the stock answer already says NotAuthenticated
		return
	}
	this, _ := requestThis(body)
	pending := &pendingRetrieval{session: session.Key, collector: this, pageSize: pageSize, objects: objects, envelope: envelope}
	writePage(w, "RetrievePropertiesExResponse", pending)
}

func (rt *sdkRouter) continueRetrieval(w http.ResponseWriter, r *http.Request, body []byte) {
	pending, refusal := rt.takeRetrieval(r, body)
	if refusal != nil {
		writeSOAP(w, refusal)
		return
	}
	writePage(w, "ContinueRetrievePropertiesExResponse", pending)
}

func (rt *sdkRouter) cancelRetrieval(w http.ResponseWriter, r *http.Request, body []byte) {
	if _, refusal := rt.takeRetrieval(r, body); refusal != nil {
		writeSOAP(w, refusal)
		return
	}
	writeSOAP(w, &methods.CancelRetrievePropertiesExBody{Res: &types.CancelRetrievePropertiesExResponse{}})
}

// takeRetrieval removes and returns the retrieval that the request's token names, or the fault vCenter gives.
// A token that is not the caller's to use stays valid for its owner.
func (rt *sdkRouter) takeRetrieval(r *http.Request, body []byte) (*pendingRetrieval, soap.HasFault) {
	this, _ := requestThis(body)
	session, ok := rt.session(r)
	if !ok {
		return nil, &faultBody{Fault_: fault("The session is not authenticated.",
			&types.NotAuthenticated{NoPermission: types.NoPermission{Object: this, PrivilegeId: "System.View"}})}
	}
	token, _ := requestString(body, "token")
	pendingRetrievals.Lock()
	defer pendingRetrievals.Unlock()
	pending := pendingRetrievals.byToken[token]
	if pending == nil || pending.session != session.Key || pending.collector != this {
		return nil, &faultBody{Fault_: fault("A specified parameter was not correct: token",
			&types.InvalidArgument{InvalidProperty: "token"})}
	}
	delete(pendingRetrievals.byToken, token)
	return pending, nil
}

// writePage writes the next page of a retrieval and, while objects remain, keeps the rest under a new token.
func writePage(w http.ResponseWriter, response string, pending *pendingRetrieval) {
	n := pending.pageSize
	if n > len(pending.objects) {
		n = len(pending.objects)
	}
	page := pending.objects[:n]
	pending.objects = pending.objects[n:]

	var out bytes.Buffer
	out.Write(pending.envelope.head)
	fmt.Fprintf(&out, `<%s xmlns="urn:vim25"><returnval>`, response)
	if len(pending.objects) > 0 {
		token := newRetrievalToken()
		pendingRetrievals.Lock()
		pendingRetrievals.byToken[token] = pending
		pendingRetrievals.Unlock()
		fmt.Fprintf(&out, "<token>%s</token>", token)
	}
	for _, object := range page {
		out.Write(object)
	}
	fmt.Fprintf(&out, "</returnval></%s>", response)
	out.Write(pending.envelope.tail)

	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(out.Bytes())
}

func newRetrievalToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// splitRetrieveResult cuts a stock RetrievePropertiesEx answer into the envelope around its response element and
// the <objects> elements of its returnval (Envelope > Body > RetrievePropertiesExResponse > returnval > objects).
func splitRetrieveResult(answer []byte) (pageEnvelope, [][]byte, bool) {
	dec := xml.NewDecoder(bytes.NewReader(answer))
	var envelope pageEnvelope
	var objects [][]byte
	depth := 0
	var responseStart, objectStart int64 = -1, -1
	for {
		before := dec.InputOffset()
		tok, err := dec.RawToken()
		if err == io.EOF {
			return envelope, objects, envelope.tail != nil
		}
		if err != nil {
			return pageEnvelope{}, nil, false
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			switch {
			case depth == 3 && t.Name.Local == "RetrievePropertiesExResponse":
				responseStart = before
			case depth == 5 && t.Name.Local == "objects":
				objectStart = before
			case depth == 5:
				return pageEnvelope{}, nil, false // a returnval member the pages would lose
			}
		case xml.EndElement:
			switch {
			case depth == 5 && objectStart >= 0:
				objects = append(objects, answer[objectStart:dec.InputOffset()])
				objectStart = -1
			case depth == 3 && responseStart >= 0:
				envelope.head = answer[:responseStart]
				envelope.tail = answer[dec.InputOffset():]
			}
			depth--
		}
	}
}

// requestInt reads the integer content of the first element of the request named local, if there is one.
func requestInt(body []byte, local string) (int, bool) {
	text, ok := requestString(body, local)
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSpace(text))
	if err != nil {
		return 0, true // not a number: as illegal as 0
	}
	return n, true
}

// requestString reads the text content of the first element of the request named local, if there is one.
func requestString(body []byte, local string) (string, bool) {
	dec := xml.NewDecoder(bytes.NewReader(body))
	for {
		tok, err := dec.RawToken()
		if err != nil {
			return "", false
		}
		if start, ok := tok.(xml.StartElement); ok && start.Name.Local == local {
			var text strings.Builder
			for {
				tok, err := dec.RawToken()
				if err != nil {
					return "", false
				}
				switch t := tok.(type) {
				case xml.CharData:
					text.Write(t)
				case xml.EndElement:
					return text.String(), true
				}
			}
		}
	}
}

// requestThis reads the _this reference of the request.
func requestThis(body []byte) (types.ManagedObjectReference, bool) {
	dec := xml.NewDecoder(bytes.NewReader(body))
	for {
		tok, err := dec.RawToken()
		if err != nil {
			return types.ManagedObjectReference{}, false
		}
		if start, ok := tok.(xml.StartElement); ok && start.Name.Local == "_this" {
			ref := types.ManagedObjectReference{}
			for _, attr := range start.Attr {
				if attr.Name.Local == "type" {
					ref.Type = attr.Value
				}
			}
			value, _ := dec.RawToken()
			if text, ok := value.(xml.CharData); ok {
				ref.Value = strings.TrimSpace(string(text))
			}
			return ref, true
		}
	}
}

func copyRecorded(w http.ResponseWriter, rec *httptest.ResponseRecorder) {
	for name, values := range rec.Header() {
		w.Header()[name] = values
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}
