package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/vmware/govmomi/simulator"
)

// vapiEnv is a default VPX model with the extensions, and a raw HTTP client for /api and /rest.
type vapiEnv struct {
	*lcEnv
	base url.URL // scheme and host of the server
	user *url.Userinfo
}

func newVapiEnv(t *testing.T) *vapiEnv {
	t.Helper()
	e := newLCEnv(t)
	u := e.client.URL()
	return &vapiEnv{lcEnv: e, base: url.URL{Scheme: u.Scheme, Host: u.Host}, user: simulator.DefaultLogin}
}

// withVapiAPI sets -vapi-api for one test.
func withVapiAPI(t *testing.T, enabled bool) {
	saved := vapiAPIEnabled
	vapiAPIEnabled = enabled
	t.Cleanup(func() { vapiAPIEnabled = saved })
}

type vapiAnswer struct {
	status int
	body   []byte
}

// do sends a request; session is sent as vmware-api-session-id unless empty; body is JSON-encoded unless nil.
func (e *vapiEnv) do(method, path, session string, body interface{}, basicAuth bool) vapiAnswer {
	e.t.Helper()
	var reader io.Reader
	if body != nil {
		encoded, err := json.Marshal(body)
		if err != nil {
			e.t.Fatal(err)
		}
		reader = bytes.NewReader(encoded)
	}
	u := e.base
	target := u.String() + path
	req, err := http.NewRequestWithContext(e.ctx, method, target, reader)
	if err != nil {
		e.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if session != "" {
		req.Header.Set(vapiSessionHeader, session)
	}
	if basicAuth {
		password, _ := e.user.Password()
		req.SetBasicAuth(e.user.Username(), password)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return vapiAnswer{status: res.StatusCode, body: out}
}

// expect checks the status and decodes the body into dst (unless nil).
func (e *vapiEnv) expect(what string, a vapiAnswer, status int, dst interface{}) {
	e.t.Helper()
	if a.status != status {
		e.t.Fatalf("%s: status %d, want %d; body %s", what, a.status, status, a.body)
	}
	if dst != nil {
		if err := json.Unmarshal(a.body, dst); err != nil {
			e.t.Fatalf("%s: decoding %q: %v", what, a.body, err)
		}
	}
}

// expectError checks an /api error answer.
func (e *vapiEnv) expectError(what string, a vapiAnswer, status int, errorType string) apiError {
	e.t.Helper()
	var out apiError
	e.expect(what, a, status, &out)
	if out.ErrorType != errorType || len(out.Messages) == 0 || out.Messages[0].DefaultMessage == "" || out.Messages[0].Args == nil {
		e.t.Fatalf("%s: want error_type %s with messages, got %s", what, errorType, a.body)
	}
	return out
}

func (e *vapiEnv) login() string {
	e.t.Helper()
	var session string
	e.expect("POST /api/session", e.do(http.MethodPost, "/api/session", "", nil, true), http.StatusCreated, &session)
	if session == "" {
		e.t.Fatal("empty session id")
	}
	return session
}

func (e *vapiEnv) createCategory(session, name string) string {
	e.t.Helper()
	var id string
	e.expect("create category "+name, e.do(http.MethodPost, "/api/cis/tagging/category", session, map[string]interface{}{
		"name": name, "description": "test category", "cardinality": "MULTIPLE", "associable_types": []string{"VirtualMachine"},
	}, false), http.StatusCreated, &id)
	if !strings.Contains(id, "Category") {
		e.t.Fatalf("category id %q", id)
	}
	return id
}

func (e *vapiEnv) createTag(session, categoryID, name string) string {
	e.t.Helper()
	var id string
	e.expect("create tag "+name, e.do(http.MethodPost, "/api/cis/tagging/tag", session, map[string]interface{}{
		"name": name, "description": "test tag", "category_id": categoryID,
	}, false), http.StatusCreated, &id)
	if !strings.Contains(id, "Tag") {
		e.t.Fatalf("tag id %q", id)
	}
	return id
}

func (e *vapiEnv) stats() map[string]int {
	e.t.Helper()
	var out map[string]int
	e.expect(vapiRequestsPath, e.do(http.MethodGet, vapiRequestsPath, "", nil, false), http.StatusOK, &out)
	return out
}

func TestVapiAPISessionLoginGetLogout(t *testing.T) {
	e := newVapiEnv(t)
	session := e.login()

	var info struct {
		User    string `json:"user"`
		Created string `json:"created_time"`
	}
	e.expect("GET /api/session", e.do(http.MethodGet, "/api/session", session, nil, false), http.StatusOK, &info)
	if info.User != e.user.Username() || info.Created == "" {
		t.Fatalf("session info %+v", info)
	}
	var ids []string
	e.expect("list categories", e.do(http.MethodGet, "/api/cis/tagging/category", session, nil, false), http.StatusOK, &ids)
	if ids == nil || len(ids) != 0 {
		t.Fatalf("categories of a new model: %#v, want []", ids)
	}

	// The session is the id: no cookie is handed out.
	if a := e.do(http.MethodPost, "/api/session", "", nil, true); a.status != http.StatusCreated {
		t.Fatalf("second login: %d %s", a.status, a.body)
	}

	e.expectError("login without credentials", e.do(http.MethodPost, "/api/session", "", nil, false), http.StatusUnauthorized, "UNAUTHENTICATED")
	e.expectError("no session", e.do(http.MethodGet, "/api/cis/tagging/category", "", nil, false), http.StatusUnauthorized, "UNAUTHENTICATED")
	e.expectError("unknown session", e.do(http.MethodGet, "/api/cis/tagging/tag", "not-a-session", nil, false), http.StatusUnauthorized, "UNAUTHENTICATED")

	a := e.do(http.MethodDelete, "/api/session", session, nil, false)
	if a.status != http.StatusNoContent || len(a.body) != 0 {
		t.Fatalf("logout: %d %q", a.status, a.body)
	}
	e.expectError("after logout", e.do(http.MethodGet, "/api/cis/tagging/category", session, nil, false), http.StatusUnauthorized, "UNAUTHENTICATED")
	e.expectError("GET /api/session after logout", e.do(http.MethodGet, "/api/session", session, nil, false), http.StatusUnauthorized, "UNAUTHENTICATED")
	e.expectError("logout twice", e.do(http.MethodDelete, "/api/session", session, nil, false), http.StatusUnauthorized, "UNAUTHENTICATED")
}

func TestVapiAPICategoriesAndTags(t *testing.T) {
	e := newVapiEnv(t)
	session := e.login()
	categoryID := e.createCategory(session, "env")
	e.expectError("duplicate category name", e.do(http.MethodPost, "/api/cis/tagging/category", session, map[string]interface{}{
		"name": "env", "description": "", "cardinality": "SINGLE", "associable_types": []string{},
	}, false), http.StatusBadRequest, "ALREADY_EXISTS")
	e.expectError("category body not an object", e.do(http.MethodPost, "/api/cis/tagging/category", session, []string{"env"}, false),
		http.StatusBadRequest, "INVALID_ARGUMENT")

	var ids []string
	e.expect("list categories", e.do(http.MethodGet, "/api/cis/tagging/category", session, nil, false), http.StatusOK, &ids)
	if !reflect.DeepEqual(ids, []string{categoryID}) {
		t.Fatalf("categories %v, want [%s]", ids, categoryID)
	}

	var category map[string]interface{}
	e.expect("get category", e.do(http.MethodGet, "/api/cis/tagging/category/"+url.PathEscape(categoryID), session, nil, false), http.StatusOK, &category)
	want := map[string]interface{}{"id": categoryID, "name": "env", "description": "test category", "cardinality": "MULTIPLE",
		"associable_types": []interface{}{"VirtualMachine"}, "used_by": []interface{}{}}
	if !reflect.DeepEqual(category, want) {
		t.Fatalf("category %v, want %v", category, want)
	}

	a := e.do(http.MethodPatch, "/api/cis/tagging/category/"+url.PathEscape(categoryID), session, map[string]interface{}{"description": "environments"}, false)
	if a.status != http.StatusNoContent || len(a.body) != 0 {
		t.Fatalf("patch category: %d %s", a.status, a.body)
	}
	e.expect("get patched category", e.do(http.MethodGet, "/api/cis/tagging/category/"+categoryID, session, nil, false), http.StatusOK, &category)
	if category["description"] != "environments" || category["name"] != "env" {
		t.Fatalf("patched category %v", category)
	}
	e.expectError("patch removing an associable type", e.do(http.MethodPatch, "/api/cis/tagging/category/"+categoryID, session,
		map[string]interface{}{"associable_types": []string{"HostSystem"}}, false), http.StatusBadRequest, "INVALID_ARGUMENT")

	tagID := e.createTag(session, categoryID, "prod")
	otherCategory := e.createCategory(session, "owner")
	otherTag := e.createTag(session, otherCategory, "alice")

	var tag map[string]interface{}
	e.expect("get tag", e.do(http.MethodGet, "/api/cis/tagging/tag/"+url.PathEscape(tagID), session, nil, false), http.StatusOK, &tag)
	wantTag := map[string]interface{}{"id": tagID, "category_id": categoryID, "name": "prod", "description": "test tag", "used_by": []interface{}{}}
	if !reflect.DeepEqual(tag, wantTag) {
		t.Fatalf("tag %v, want %v", tag, wantTag)
	}
	e.expect("list tags", e.do(http.MethodGet, "/api/cis/tagging/tag", session, nil, false), http.StatusOK, &ids)
	sort.Strings(ids)
	wantIDs := []string{tagID, otherTag}
	sort.Strings(wantIDs)
	if !reflect.DeepEqual(ids, wantIDs) {
		t.Fatalf("tags %v, want %v", ids, wantIDs)
	}
	e.expect("list-tags-for-category", e.do(http.MethodPost, "/api/cis/tagging/tag?action=list-tags-for-category", session,
		map[string]string{"category_id": categoryID}, false), http.StatusOK, &ids)
	if !reflect.DeepEqual(ids, []string{tagID}) {
		t.Fatalf("tags of %s: %v, want [%s]", categoryID, ids, tagID)
	}
	e.expectError("list-tags-for-category without category_id", e.do(http.MethodPost, "/api/cis/tagging/tag?action=list-tags-for-category", session,
		map[string]string{}, false), http.StatusBadRequest, "INVALID_ARGUMENT")

	a = e.do(http.MethodPatch, "/api/cis/tagging/tag/"+tagID, session, map[string]interface{}{"name": "production"}, false)
	if a.status != http.StatusNoContent {
		t.Fatalf("patch tag: %d %s", a.status, a.body)
	}
	e.expect("get patched tag", e.do(http.MethodGet, "/api/cis/tagging/tag/"+tagID, session, nil, false), http.StatusOK, &tag)
	if tag["name"] != "production" {
		t.Fatalf("patched tag %v", tag)
	}

	unknown := "urn:vmomi:InventoryServiceTag:00000000-0000-0000-0000-000000000000:GLOBAL"
	notFound := e.expectError("unknown tag", e.do(http.MethodGet, "/api/cis/tagging/tag/"+url.PathEscape(unknown), session, nil, false),
		http.StatusNotFound, "NOT_FOUND")
	if !strings.Contains(notFound.Messages[0].DefaultMessage, unknown) {
		t.Fatalf("NOT_FOUND message %q does not name %s", notFound.Messages[0].DefaultMessage, unknown)
	}
	e.expectError("unknown category", e.do(http.MethodGet, "/api/cis/tagging/category/no-such-category", session, nil, false),
		http.StatusNotFound, "NOT_FOUND")
	// An id is one path segment: an escaped slash does not reach another object.
	e.expectError("id with a slash", e.do(http.MethodGet, "/api/cis/tagging/tag/x%2Fid:"+url.PathEscape(tagID), session, nil, false),
		http.StatusNotFound, "NOT_FOUND")

	if a := e.do(http.MethodDelete, "/api/cis/tagging/tag/"+tagID, session, nil, false); a.status != http.StatusNoContent {
		t.Fatalf("delete tag: %d %s", a.status, a.body)
	}
	e.expectError("deleted tag", e.do(http.MethodGet, "/api/cis/tagging/tag/"+tagID, session, nil, false), http.StatusNotFound, "NOT_FOUND")
	e.expectError("delete deleted tag", e.do(http.MethodDelete, "/api/cis/tagging/tag/"+tagID, session, nil, false), http.StatusNotFound, "NOT_FOUND")
	if a := e.do(http.MethodDelete, "/api/cis/tagging/category/"+otherCategory, session, nil, false); a.status != http.StatusNoContent {
		t.Fatalf("delete category: %d %s", a.status, a.body)
	}
	e.expectError("tag of a deleted category", e.do(http.MethodGet, "/api/cis/tagging/tag/"+otherTag, session, nil, false), http.StatusNotFound, "NOT_FOUND")
	e.expect("list categories after delete", e.do(http.MethodGet, "/api/cis/tagging/category", session, nil, false), http.StatusOK, &ids)
	if !reflect.DeepEqual(ids, []string{categoryID}) {
		t.Fatalf("categories %v, want [%s]", ids, categoryID)
	}
}

func TestVapiAPITagAssociations(t *testing.T) {
	e := newVapiEnv(t)
	session := e.login()
	vm0 := e.vm("DC0_H0_VM0").Reference()
	vm1 := e.vm("DC0_H0_VM1").Reference()
	tagged := apiObject{Type: vm0.Type, ID: vm0.Value}
	untagged := apiObject{Type: vm1.Type, ID: vm1.Value}
	categoryID := e.createCategory(session, "env")
	tagID := e.createTag(session, categoryID, "prod")
	otherTag := e.createTag(session, categoryID, "test")
	assoc := "/api/cis/tagging/tag-association/" + url.PathEscape(tagID)

	a := e.do(http.MethodPost, assoc+"?action=attach", session, map[string]interface{}{"object_id": tagged}, false)
	if a.status != http.StatusNoContent || len(a.body) != 0 {
		t.Fatalf("attach: %d %s", a.status, a.body)
	}
	e.expectError("attach without object_id", e.do(http.MethodPost, assoc+"?action=attach", session, map[string]interface{}{}, false),
		http.StatusBadRequest, "INVALID_ARGUMENT")
	e.expectError("attach an unknown tag", e.do(http.MethodPost, "/api/cis/tagging/tag-association/no-such-tag?action=attach", session,
		map[string]interface{}{"object_id": tagged}, false), http.StatusNotFound, "NOT_FOUND")

	var ids []string
	e.expect("list-attached-tags", e.do(http.MethodPost, "/api/cis/tagging/tag-association?action=list-attached-tags", session,
		map[string]interface{}{"object_id": tagged}, false), http.StatusOK, &ids)
	if !reflect.DeepEqual(ids, []string{tagID}) {
		t.Fatalf("tags of %v: %v, want [%s]", tagged, ids, tagID)
	}
	e.expect("list-attached-tags of an untagged VM", e.do(http.MethodPost, "/api/cis/tagging/tag-association?action=list-attached-tags", session,
		map[string]interface{}{"object_id": untagged}, false), http.StatusOK, &ids)
	if ids == nil || len(ids) != 0 {
		t.Fatalf("tags of %v: %#v, want []", untagged, ids)
	}

	var objects []apiObject
	e.expect("list-attached-objects", e.do(http.MethodPost, assoc+"?action=list-attached-objects", session, nil, false), http.StatusOK, &objects)
	if !reflect.DeepEqual(objects, []apiObject{tagged}) {
		t.Fatalf("objects tagged %s: %v, want [%v]", tagID, objects, tagged)
	}

	var onObjects []struct {
		ObjectID apiObject `json:"object_id"`
		TagIDs   []string  `json:"tag_ids"`
	}
	e.expect("list-attached-tags-on-objects", e.do(http.MethodPost, "/api/cis/tagging/tag-association?action=list-attached-tags-on-objects", session,
		map[string]interface{}{"object_ids": []apiObject{tagged, untagged}}, false), http.StatusOK, &onObjects)
	if len(onObjects) != 2 || onObjects[0].ObjectID != tagged || !reflect.DeepEqual(onObjects[0].TagIDs, []string{tagID}) ||
		onObjects[1].ObjectID != untagged || onObjects[1].TagIDs == nil || len(onObjects[1].TagIDs) != 0 {
		t.Fatalf("list-attached-tags-on-objects: %+v", onObjects)
	}

	var onTags []struct {
		TagID     string      `json:"tag_id"`
		ObjectIDs []apiObject `json:"object_ids"`
	}
	e.expect("list-attached-objects-on-tags", e.do(http.MethodPost, "/api/cis/tagging/tag-association?action=list-attached-objects-on-tags", session,
		map[string]interface{}{"tag_ids": []string{tagID, otherTag}}, false), http.StatusOK, &onTags)
	if len(onTags) != 2 || onTags[0].TagID != tagID || !reflect.DeepEqual(onTags[0].ObjectIDs, []apiObject{tagged}) ||
		onTags[1].TagID != otherTag || onTags[1].ObjectIDs == nil || len(onTags[1].ObjectIDs) != 0 {
		t.Fatalf("list-attached-objects-on-tags: %+v", onTags)
	}

	// /api and /rest share the associations.
	var rest struct {
		Value []string `json:"value"`
	}
	e.expect("/rest list-attached-tags", e.do(http.MethodPost, restAssociationPath+"?~action=list-attached-tags", session,
		map[string]interface{}{"object_id": tagged}, false), http.StatusOK, &rest)
	if !reflect.DeepEqual(rest.Value, []string{tagID}) {
		t.Fatalf("/rest tags of %v: %v", tagged, rest.Value)
	}

	if a := e.do(http.MethodPost, assoc+"?action=detach", session, map[string]interface{}{"object_id": tagged}, false); a.status != http.StatusNoContent {
		t.Fatalf("detach: %d %s", a.status, a.body)
	}
	e.expect("list-attached-tags after detach", e.do(http.MethodPost, "/api/cis/tagging/tag-association?action=list-attached-tags", session,
		map[string]interface{}{"object_id": tagged}, false), http.StatusOK, &ids)
	if len(ids) != 0 {
		t.Fatalf("tags after detach: %v", ids)
	}
	e.expect("list-attached-objects after detach", e.do(http.MethodPost, assoc+"?action=list-attached-objects", session, nil, false),
		http.StatusOK, &objects)
	if objects == nil || len(objects) != 0 {
		t.Fatalf("objects after detach: %#v, want []", objects)
	}
	e.expectError("list-attached-tags without a session", e.do(http.MethodPost, "/api/cis/tagging/tag-association?action=list-attached-tags", "",
		map[string]interface{}{"object_id": tagged}, false), http.StatusUnauthorized, "UNAUTHENTICATED")
}

func TestVapiAPIUnknownPathsActionsAndMethods(t *testing.T) {
	e := newVapiEnv(t)
	session := e.login()
	for _, c := range []struct{ method, path string }{
		{http.MethodGet, "/api/vcenter/vm"},
		{http.MethodGet, "/api/content/library"},
		{http.MethodGet, "/api"},
		{http.MethodGet, "/api/cis/tagging"},
		{http.MethodPost, "/api/cis/tagging/tag?action=bogus"},
		{http.MethodPost, "/api/cis/tagging/tag-association?action=attach"},
		{http.MethodPost, "/api/cis/tagging/tag-association/x?action=list-attached-tags"},
		{http.MethodGet, "/api/cis/tagging/tag-association"},
		{http.MethodGet, "/api/cis/tagging/category?action=list-used-categories"},
		{http.MethodPut, "/api/cis/tagging/category"},
		{http.MethodDelete, "/api/cis/tagging/tag"},
		{http.MethodPut, "/api/session"},
		{http.MethodGet, "/api/cis/tagging/tag/a/b"},
	} {
		var body interface{}
		if c.method == http.MethodPost || c.method == http.MethodPut {
			body = map[string]interface{}{}
		}
		out := e.expectError(c.method+" "+c.path, e.do(c.method, c.path, session, body, false), http.StatusNotFound, "NOT_FOUND")
		path := strings.SplitN(c.path, "?", 2)[0]
		if out.Messages[0].ID != "vapi.method.input.invalid" || !strings.Contains(out.Messages[0].DefaultMessage, path) {
			t.Fatalf("%s %s: message %+v does not name the path", c.method, c.path, out.Messages[0])
		}
	}
}

func TestVapiAPIDisabledServesNoAPI(t *testing.T) {
	withVapiAPI(t, false)
	e := newVapiEnv(t)
	for _, path := range []string{"/api/session", "/api/cis/tagging/category"} {
		a := e.do(http.MethodPost, path, "", nil, true)
		if a.status != http.StatusNotFound || json.Valid(a.body) && bytes.Contains(a.body, []byte("error_type")) {
			t.Fatalf("POST %s with -vapi-api=false: %d %s, want a plain 404", path, a.status, a.body)
		}
	}
	// /rest still serves.
	var login struct {
		Value string `json:"value"`
	}
	e.expect("POST /rest session", e.do(http.MethodPost, restSessionPath, "", nil, true), http.StatusOK, &login)
	var ids struct {
		Value []string `json:"value"`
	}
	e.expect("/rest categories", e.do(http.MethodGet, restCategoryPath, login.Value, nil, false), http.StatusOK, &ids)
	if got := e.stats(); got["api"] != 2 || got["rest"] != 2 {
		t.Fatalf("counters %v, want api 2 rest 2", got)
	}
}

func TestVapiAPIRequestCounters(t *testing.T) {
	e := newVapiEnv(t)
	if got := e.stats(); got["api"] != 0 || got["rest"] != 0 {
		t.Fatalf("counters of a new server %v, want zeros", got)
	}
	session := e.login()                                                               // api 1 (and an in-process /rest login)
	categoryID := e.createCategory(session, "env")                                     // api 2
	e.do(http.MethodGet, "/api/cis/tagging/category/"+categoryID, session, nil, false) // api 3
	e.do(http.MethodGet, "/api/nothing-here", session, nil, false)                     // api 4: a 404 is counted too
	e.do(http.MethodGet, restCategoryPath, session, nil, false)                        // rest 1
	if got := e.stats(); got["api"] != 4 || got["rest"] != 1 {
		t.Fatalf("counters %v, want api 4 rest 1", got)
	}
}
