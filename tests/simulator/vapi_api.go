package main

// The vSphere Automation API under /api, as vCenter 7.0U2 and later serve it beside the deprecated /rest, for
// sessions and tagging (vSphere Automation API reference: cis/session, cis/tagging/category, cis/tagging/tag,
// cis/tagging/tag-association):
//
//	POST   /api/session                                  HTTP Basic auth -> 201, the session id (a JSON string)
//	GET    /api/session                                  -> 200, {"user", "created_time", "last_accessed_time"}
//	DELETE /api/session                                  -> 204
//	GET    /api/cis/tagging/category                     -> 200, [id, ...]
//	POST   /api/cis/tagging/category                     body: the create spec -> 201, the id
//	GET    /api/cis/tagging/category/{id}                -> 200, the category
//	PATCH  /api/cis/tagging/category/{id}                body: the update spec -> 204
//	DELETE /api/cis/tagging/category/{id}                -> 204
//	GET    /api/cis/tagging/tag                          -> 200, [id, ...]
//	POST   /api/cis/tagging/tag                          body: the create spec -> 201, the id
//	POST   /api/cis/tagging/tag?action=list-tags-for-category           {"category_id"} -> 200, [id, ...]
//	GET    /api/cis/tagging/tag/{id}                     -> 200, the tag
//	PATCH  /api/cis/tagging/tag/{id}                     body: the update spec -> 204
//	DELETE /api/cis/tagging/tag/{id}                     -> 204
//	POST   /api/cis/tagging/tag-association/{tag_id}?action=attach      {"object_id"} -> 204
//	POST   /api/cis/tagging/tag-association/{tag_id}?action=detach      {"object_id"} -> 204
//	POST   /api/cis/tagging/tag-association/{tag_id}?action=list-attached-objects -> 200, [{"type", "id"}, ...]
//	POST   /api/cis/tagging/tag-association?action=list-attached-tags   {"object_id"} -> 200, [id, ...]
//	POST   /api/cis/tagging/tag-association?action=list-attached-tags-on-objects {"object_ids"}
//	                                                     -> 200, [{"object_id", "tag_ids"}, ...], one per object
//	POST   /api/cis/tagging/tag-association?action=list-attached-objects-on-tags {"tag_ids"}
//	                                                     -> 200, [{"tag_id", "object_ids"}, ...], one per tag
//
// Requests are authenticated by the header vmware-api-session-id (POST /api/session by Authorization). Each
// request is translated to the stock /rest handler of govmomi's vapi/simulator and served by it in-process, so /api
// and /rest share the sessions, categories, tags and associations: /rest paths take ids as "id:{id}", specs are
// wrapped ({"create_spec": ...}, {"update_spec": ...}), actions are "~action", and answers are wrapped in
// {"value": ...}; /api answers are bare JSON. A /rest error {"type": "com.vmware.vapi.std.errors.not_found",
// "value": {"messages": [...]}} becomes, with the same HTTP status, {"error_type": "NOT_FOUND", "messages": [...]};
// the stock handler's bodiless errors (401 when the session is missing or expired, 404 for an unknown id, 400 for a
// body it cannot decode) become UNAUTHENTICATED, NOT_FOUND and INVALID_ARGUMENT. Any other /api path, action or
// method gives 404 NOT_FOUND (vapi.method.input.invalid). With -vapi-api=false there is no /api at all (a plain 404,
// as on vCenter before 7.0U2), for testing clients that fall back to /rest.
//
// GET /vcsim/vapi-requests (test hook, no login) answers {"api": n, "rest": n}: the requests received from clients
// under /api and under /rest since the server started; the in-process translations do not count as /rest.

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
)

// vapiAPIEnabled is -vapi-api: whether /api is served. It is read on each request.
var vapiAPIEnabled = true

func init() {
	flag.BoolVar(&vapiAPIEnabled, "vapi-api", vapiAPIEnabled,
		"serve the vSphere Automation API under /api (sessions and tagging) beside /rest, as vCenter 7.0U2+ (false: /api is a plain 404)")
}

const (
	vapiRequestsPath = "/vcsim/vapi-requests"

	restSessionPath     = "/rest/com/vmware/cis/session"
	restCategoryPath    = "/rest/com/vmware/cis/tagging/category"
	restTagPath         = "/rest/com/vmware/cis/tagging/tag"
	restAssociationPath = "/rest/com/vmware/cis/tagging/tag-association"

	vapiSessionHeader = "vmware-api-session-id"
)

// installVapiAPI serves /api, the counting /rest wrapper and the counters hook on the front mux of one server;
// stock is that server's stock mux, which serves /rest.
func installVapiAPI(front *http.ServeMux, stock http.Handler) {
	v := &vapiAPI{stock: stock}
	front.Handle("/api", v)
	front.Handle("/api/", v)
	front.HandleFunc("/rest/", func(w http.ResponseWriter, r *http.Request) {
		v.count(&v.rest)
		stock.ServeHTTP(w, r)
	})
	front.HandleFunc(vapiRequestsPath, v.serveStats)
}

type vapiAPI struct {
	stock http.Handler

	mu        sync.Mutex
	api, rest int
}

func (v *vapiAPI) count(n *int) {
	v.mu.Lock()
	*n++
	v.mu.Unlock()
}

func (v *vapiAPI) serveStats(w http.ResponseWriter, _ *http.Request) {
	v.mu.Lock()
	stats := map[string]int{"api": v.api, "rest": v.rest}
	v.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(stats)
}

// apiMessage is a vAPI LocalizableMessage.
type apiMessage struct {
	ID             string   `json:"id"`
	DefaultMessage string   `json:"default_message"`
	Args           []string `json:"args"`
}

type apiError struct {
	ErrorType string       `json:"error_type"`
	Messages  []apiMessage `json:"messages"`
}

// apiObject is a vAPI DynamicID, {"type": "VirtualMachine", "id": "vm-42"}.
type apiObject struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

// apiCall is one /api request being served.
type apiCall struct {
	v      *vapiAPI
	w      http.ResponseWriter
	r      *http.Request
	body   []byte
	route  string // "METHOD /api/path" for messages
	action string
}

func (v *vapiAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	v.count(&v.api)
	if !vapiAPIEnabled {
		http.NotFound(w, r)
		return
	}
	body, err := io.ReadAll(r.Body)
	_ = r.Body.Close()
	c := &apiCall{v: v, w: w, r: r, body: body, route: r.Method + " " + r.URL.Path, action: r.URL.Query().Get("action")}
	if err != nil {
		c.fail(http.StatusBadRequest, "INVALID_ARGUMENT", "vapi.method.input.invalid", "reading the request body: "+err.Error())
		return
	}
	segments, ok := apiPathSegments(r.URL.EscapedPath())
	if !ok {
		c.unknown()
		return
	}
	c.dispatch(segments)
}

// apiPathSegments splits an escaped /api path into its unescaped segments after "api".
func apiPathSegments(escaped string) ([]string, bool) {
	parts := strings.Split(strings.TrimPrefix(strings.TrimSuffix(escaped, "/"), "/api"), "/")
	if len(parts) == 0 || parts[0] != "" {
		return nil, false
	}
	var out []string
	for _, p := range parts[1:] {
		s, err := url.PathUnescape(p)
		if err != nil || s == "" {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

func (c *apiCall) dispatch(seg []string) {
	method, action := c.r.Method, c.action
	is := func(m, a string) bool { return method == m && action == a }
	// An id becomes one /rest path segment; one that cannot be one names no object.
	var id string
	if len(seg) > 0 {
		id = seg[len(seg)-1]
	}
	validID := id != "." && id != ".." && !strings.Contains(id, "/")

	switch {
	case len(seg) == 1 && seg[0] == "session":
		switch {
		case is(http.MethodPost, ""):
			c.login()
		case is(http.MethodGet, ""):
			c.valueCall(http.MethodPost, restSessionPath, "get", nil, http.StatusOK, nil)
		case is(http.MethodDelete, ""):
			c.valueCall(http.MethodDelete, restSessionPath, "", nil, http.StatusNoContent, nil)
		default:
			c.unknown()
		}
		return
	case len(seg) < 3 || seg[0] != "cis" || seg[1] != "tagging":
		c.unknown()
		return
	}

	kind, hasID := seg[2], len(seg) == 4
	if len(seg) > 4 || (hasID && !validID) {
		c.unknown()
		return
	}
	switch kind {
	case "category", "tag":
		restPath, normalize := restCategoryPath, normalizeCategory
		if kind == "tag" {
			restPath, normalize = restTagPath, normalizeTag
		}
		switch {
		case !hasID && is(http.MethodGet, ""):
			c.valueCall(http.MethodGet, restPath, "", nil, http.StatusOK, normalizeIDs)
		case !hasID && is(http.MethodPost, ""):
			if spec, ok := c.jsonObject(); ok {
				c.valueCall(http.MethodPost, restPath, "", map[string]json.RawMessage{"create_spec": spec}, http.StatusCreated, nil)
			}
		case !hasID && kind == "tag" && is(http.MethodPost, "list-tags-for-category"):
			var in struct {
				CategoryID string `json:"category_id"`
			}
			if c.decode(&in) && c.require(in.CategoryID != "", "category_id") {
				c.valueCall(http.MethodPost, restTagPath+"/id:"+url.PathEscape(in.CategoryID), "list-tags-for-category", nil,
					http.StatusOK, normalizeIDs)
			}
		case hasID && is(http.MethodGet, ""):
			c.valueCall(http.MethodGet, restPath+"/id:"+url.PathEscape(id), "", nil, http.StatusOK, normalize)
		case hasID && is(http.MethodPatch, ""):
			if spec, ok := c.jsonObject(); ok {
				c.valueCall(http.MethodPatch, restPath+"/id:"+url.PathEscape(id), "", map[string]json.RawMessage{"update_spec": spec},
					http.StatusNoContent, nil)
			}
		case hasID && is(http.MethodDelete, ""):
			c.valueCall(http.MethodDelete, restPath+"/id:"+url.PathEscape(id), "", nil, http.StatusNoContent, nil)
		default:
			c.unknown()
		}
	case "tag-association":
		if method != http.MethodPost {
			c.unknown()
			return
		}
		if hasID {
			c.tagAssociation(id)
		} else {
			c.associations()
		}
	default:
		c.unknown()
	}
}

// login creates a session with the request's Authorization; the id is returned, not set as a cookie.
func (c *apiCall) login() {
	status, value, errBody := c.rest(http.MethodPost, restSessionPath, "", nil)
	if status == http.StatusUnauthorized && len(bytes.TrimSpace(errBody)) == 0 {
		c.fail(http.StatusUnauthorized, "UNAUTHENTICATED", "vapi.security.authentication.invalid", "Unable to authenticate user")
		return
	}
	c.answer(status, value, errBody, http.StatusCreated, nil)
}

// tagAssociation serves /api/cis/tagging/tag-association/{tag_id}.
func (c *apiCall) tagAssociation(tagID string) {
	restPath := restAssociationPath + "/id:" + url.PathEscape(tagID)
	switch c.action {
	case "attach", "detach":
		var in struct {
			ObjectID *apiObject `json:"object_id"`
		}
		if c.decode(&in) && c.require(in.ObjectID != nil && in.ObjectID.Type != "" && in.ObjectID.ID != "", "object_id") {
			c.valueCall(http.MethodPost, restPath, c.action, in, http.StatusNoContent, nil)
		}
	case "list-attached-objects":
		c.valueCall(http.MethodPost, restPath, c.action, struct{}{}, http.StatusOK, normalizeObjects)
	default:
		c.unknown()
	}
}

// associations serves the actions of /api/cis/tagging/tag-association.
func (c *apiCall) associations() {
	switch c.action {
	case "list-attached-tags":
		var in struct {
			ObjectID *apiObject `json:"object_id"`
		}
		if c.decode(&in) && c.require(in.ObjectID != nil && in.ObjectID.Type != "" && in.ObjectID.ID != "", "object_id") {
			c.valueCall(http.MethodPost, restAssociationPath, c.action, in, http.StatusOK, normalizeIDs)
		}
	case "list-attached-tags-on-objects":
		var in struct {
			ObjectIDs []apiObject `json:"object_ids"`
		}
		if c.decode(&in) && c.require(in.ObjectIDs != nil, "object_ids") {
			c.valueCall(http.MethodPost, restAssociationPath, c.action, in, http.StatusOK, normalizeTagsOnObjects)
		}
	case "list-attached-objects-on-tags":
		var in struct {
			TagIDs []string `json:"tag_ids"`
		}
		if c.decode(&in) && c.require(in.TagIDs != nil, "tag_ids") {
			c.valueCall(http.MethodPost, restAssociationPath, c.action, in, http.StatusOK, normalizeObjectsOnTags)
		}
	default:
		c.unknown()
	}
}

// valueCall has the stock handler serve one /rest request and answers with its translation.
func (c *apiCall) valueCall(method, restPath, action string, body interface{}, success int, normalize func(json.RawMessage) (interface{}, error)) {
	status, value, errBody := c.rest(method, restPath, action, body)
	c.answer(status, value, errBody, success, normalize)
}

// rest serves a /rest request in-process with the caller's credentials. It returns the status and, on success, the
// unwrapped value (nil without one), else the error body.
func (c *apiCall) rest(method, restPath, action string, body interface{}) (int, json.RawMessage, []byte) {
	target := restPath
	if action != "" {
		target += "?~action=" + url.QueryEscape(action)
	}
	var reader io.Reader = http.NoBody
	if body != nil {
		encoded, err := json.Marshal(body)
		if err != nil {
			return http.StatusInternalServerError, nil, nil
		}
		reader = bytes.NewReader(encoded)
	}
	req, err := http.NewRequestWithContext(c.r.Context(), method, target, reader)
	if err != nil {
		return http.StatusInternalServerError, nil, nil
	}
	for _, name := range []string{"Authorization", vapiSessionHeader} {
		if values := c.r.Header.Values(name); len(values) > 0 {
			req.Header[http.CanonicalHeaderKey(name)] = append([]string(nil), values...)
		}
	}
	req.Header.Set("vmware-use-header-authn", "true") // no session cookie: /api hands out the id only
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Host, req.RemoteAddr, req.TLS = c.r.Host, c.r.RemoteAddr, c.r.TLS

	rec := httptest.NewRecorder()
	func() {
		defer func() {
			if p := recover(); p != nil {
				log.Printf("%s (as %s %s): panic: %v", c.route, method, target, p)
				rec = httptest.NewRecorder()
				rec.Code = http.StatusInternalServerError
			}
		}()
		c.v.stock.ServeHTTP(rec, req)
	}()
	if rec.Code < 200 || rec.Code > 299 {
		return rec.Code, nil, rec.Body.Bytes()
	}
	if len(bytes.TrimSpace(rec.Body.Bytes())) == 0 {
		return rec.Code, nil, nil
	}
	var wrapped struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &wrapped); err != nil {
		log.Printf("%s (as %s %s): undecodable answer: %v", c.route, method, target, err)
		return http.StatusInternalServerError, nil, nil
	}
	return rec.Code, wrapped.Value, nil
}

// answer writes the /api translation of a /rest answer.
func (c *apiCall) answer(status int, value json.RawMessage, errBody []byte, success int, normalize func(json.RawMessage) (interface{}, error)) {
	if status < 200 || status > 299 {
		c.restError(status, errBody)
		return
	}
	if success == http.StatusNoContent {
		c.w.WriteHeader(http.StatusNoContent)
		return
	}
	var out interface{} = value
	if normalize != nil {
		var err error
		if out, err = normalize(value); err != nil {
			log.Printf("%s: unexpected /rest value %s: %v", c.route, value, err)
			c.fail(http.StatusInternalServerError, "ERROR", "vapi.std.errors.error", "unexpected answer of the /rest handler")
			return
		}
	} else if len(value) == 0 {
		out = nil
	}
	writeAPIJSON(c.w, success, out)
}

// restError translates an error answer of the stock /rest handler.
func (c *apiCall) restError(status int, body []byte) {
	var in struct {
		Type  string `json:"type"`
		Value struct {
			Messages []json.RawMessage `json:"messages"`
		} `json:"value"`
	}
	if json.Unmarshal(body, &in) == nil && in.Type != "" {
		errorType := strings.ToUpper(in.Type[strings.LastIndex(in.Type, ".")+1:])
		out := apiError{ErrorType: errorType, Messages: []apiMessage{}}
		for _, raw := range in.Value.Messages {
			out.Messages = append(out.Messages, apiMessageOf(raw))
		}
		if len(out.Messages) == 0 {
			out.Messages = append(out.Messages, apiMessage{ID: in.Type,
				DefaultMessage: fmt.Sprintf("%s: %s", c.route, strings.ReplaceAll(strings.ToLower(errorType), "_", " ")), Args: []string{}})
		}
		writeAPIJSON(c.w, status, out)
		return
	}
	// The stock handler's errors without a vAPI body.
	switch status {
	case http.StatusUnauthorized:
		c.fail(status, "UNAUTHENTICATED", "com.vmware.vapi.endpoint.method.authentication.required", "Authentication required.")
	case http.StatusNotFound:
		c.fail(status, "NOT_FOUND", "cis.tagging.objectNotFound.error", c.route+": object not found")
	case http.StatusBadRequest:
		c.fail(status, "INVALID_ARGUMENT", "vapi.method.input.invalid", c.route+": invalid input")
	default:
		c.fail(status, "ERROR", "vapi.std.errors.error", fmt.Sprintf("%s: %d %s", c.route, status, http.StatusText(status)))
	}
}

// apiMessageOf reads a /rest error message: a LocalizableMessage or a bare string.
func apiMessageOf(raw json.RawMessage) apiMessage {
	var m struct {
		ID             string            `json:"id"`
		DefaultMessage string            `json:"default_message"`
		Args           []json.RawMessage `json:"args"`
	}
	if json.Unmarshal(raw, &m) == nil {
		out := apiMessage{ID: m.ID, DefaultMessage: m.DefaultMessage, Args: []string{}}
		for _, a := range m.Args {
			var s string
			if json.Unmarshal(a, &s) != nil {
				s = string(a)
			}
			out.Args = append(out.Args, s)
		}
		return out
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		s = string(raw)
	}
	return apiMessage{DefaultMessage: s, Args: []string{}}
}

func (c *apiCall) fail(status int, errorType, id, message string) {
	writeAPIJSON(c.w, status, apiError{ErrorType: errorType, Messages: []apiMessage{{ID: id, DefaultMessage: message, Args: []string{}}}})
}

// unknown answers a path, method or action that this /api does not serve.
func (c *apiCall) unknown() {
	what := c.route
	if c.r.URL.RawQuery != "" {
		what += "?" + c.r.URL.RawQuery
	}
	c.fail(http.StatusNotFound, "NOT_FOUND", "vapi.method.input.invalid", "No operation is served for "+what)
}

// jsonObject returns the request body, which must be a JSON object.
func (c *apiCall) jsonObject() (json.RawMessage, bool) {
	var spec map[string]json.RawMessage
	if err := json.Unmarshal(c.body, &spec); err != nil || spec == nil {
		c.fail(http.StatusBadRequest, "INVALID_ARGUMENT", "vapi.method.input.invalid", c.route+": the request body must be a JSON object")
		return nil, false
	}
	return json.RawMessage(c.body), true
}

func (c *apiCall) decode(dst interface{}) bool {
	if err := json.Unmarshal(c.body, dst); err != nil {
		c.fail(http.StatusBadRequest, "INVALID_ARGUMENT", "vapi.method.input.invalid", c.route+": the request body: "+err.Error())
		return false
	}
	return true
}

func (c *apiCall) require(ok bool, field string) bool {
	if !ok {
		c.fail(http.StatusBadRequest, "INVALID_ARGUMENT", "vapi.method.input.invalid", c.route+": missing "+field)
	}
	return ok
}

func writeAPIJSON(w http.ResponseWriter, status int, v interface{}) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if v != nil {
		_ = json.NewEncoder(w).Encode(v)
	}
}

// The stock handler leaves out empty members (omitempty) and writes empty lists as null; vCenter writes them.

func normalizeIDs(raw json.RawMessage) (interface{}, error) {
	ids := []string{}
	if err := unmarshalValue(raw, &ids); err != nil {
		return nil, err
	}
	if ids == nil {
		ids = []string{}
	}
	return ids, nil
}

func normalizeObjects(raw json.RawMessage) (interface{}, error) {
	objects := []apiObject{}
	if err := unmarshalValue(raw, &objects); err != nil {
		return nil, err
	}
	if objects == nil {
		objects = []apiObject{}
	}
	return objects, nil
}

func normalizeTagsOnObjects(raw json.RawMessage) (interface{}, error) {
	var in []struct {
		ObjectID apiObject `json:"object_id"`
		TagIDs   []string  `json:"tag_ids"`
	}
	if err := unmarshalValue(raw, &in); err != nil {
		return nil, err
	}
	out := make([]map[string]interface{}, 0, len(in))
	for _, o := range in {
		if o.TagIDs == nil {
			o.TagIDs = []string{}
		}
		out = append(out, map[string]interface{}{"object_id": o.ObjectID, "tag_ids": o.TagIDs})
	}
	return out, nil
}

func normalizeObjectsOnTags(raw json.RawMessage) (interface{}, error) {
	var in []struct {
		TagID     string      `json:"tag_id"`
		ObjectIDs []apiObject `json:"object_ids"`
	}
	if err := unmarshalValue(raw, &in); err != nil {
		return nil, err
	}
	out := make([]map[string]interface{}, 0, len(in))
	for _, o := range in {
		if o.ObjectIDs == nil {
			o.ObjectIDs = []apiObject{}
		}
		out = append(out, map[string]interface{}{"tag_id": o.TagID, "object_ids": o.ObjectIDs})
	}
	return out, nil
}

func normalizeCategory(raw json.RawMessage) (interface{}, error) {
	var c struct {
		ID              string   `json:"id"`
		Name            string   `json:"name"`
		Description     string   `json:"description"`
		Cardinality     string   `json:"cardinality"`
		AssociableTypes []string `json:"associable_types"`
		UsedBy          []string `json:"used_by"`
	}
	if err := unmarshalValue(raw, &c); err != nil {
		return nil, err
	}
	if c.AssociableTypes == nil {
		c.AssociableTypes = []string{}
	}
	if c.UsedBy == nil {
		c.UsedBy = []string{}
	}
	return c, nil
}

func normalizeTag(raw json.RawMessage) (interface{}, error) {
	var t struct {
		ID          string   `json:"id"`
		CategoryID  string   `json:"category_id"`
		Name        string   `json:"name"`
		Description string   `json:"description"`
		UsedBy      []string `json:"used_by"`
	}
	if err := unmarshalValue(raw, &t); err != nil {
		return nil, err
	}
	if t.UsedBy == nil {
		t.UsedBy = []string{}
	}
	return t, nil
}

// unmarshalValue decodes a /rest value; a missing value (an omitted empty list) leaves dst as it is.
func unmarshalValue(raw json.RawMessage, dst interface{}) error {
	if len(raw) == 0 {
		return nil
	}
	return json.Unmarshal(raw, dst)
}
