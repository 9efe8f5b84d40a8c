package main

import (
	"encoding/json"
	"flag"
	"net/http"
	"sort"
	"testing"

	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// pagingEnv is a default VPX model whose RetrievePropertiesEx pages hold at most maxObjects objects.
type pagingEnv struct {
	*lcEnv
	collector types.ManagedObjectReference
	view      types.ManagedObjectReference
}

func newPagingEnv(t *testing.T, maxObjects int) *pagingEnv {
	t.Helper()
	saved := retrieveMaxObjects
	retrieveMaxObjects = maxObjects
	t.Cleanup(func() { retrieveMaxObjects = saved })
	e := newLCEnv(t)
	return &pagingEnv{lcEnv: e, collector: e.client.ServiceContent.PropertyCollector, view: e.entityView(e.client.Client)}
}

// entityView is a ContainerView of every managed entity, created in the session of client.
func (e *lcEnv) entityView(client soap.RoundTripper) types.ManagedObjectReference {
	e.t.Helper()
	res, err := methods.CreateContainerView(e.ctx, client, &types.CreateContainerView{
		This:      *e.client.ServiceContent.ViewManager,
		Container: e.client.ServiceContent.RootFolder,
		Type:      []string{"ManagedEntity"},
		Recursive: true,
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return res.Returnval
}

func (e *pagingEnv) spec() []types.PropertyFilterSpec {
	return []types.PropertyFilterSpec{{
		PropSet: []types.PropertySpec{{Type: "ManagedEntity", PathSet: []string{"name"}}},
		ObjectSet: []types.ObjectSpec{{
			Obj:       e.view,
			Skip:      types.NewBool(true),
			SelectSet: []types.BaseSelectionSpec{&types.TraversalSpec{Type: "ContainerView", Path: "view"}},
		}},
	}}
}

func (e *pagingEnv) retrieve(maxObjects int32) (*types.RetrieveResult, error) {
	res, err := methods.RetrievePropertiesEx(e.ctx, e.client.Client, &types.RetrievePropertiesEx{
		This: e.collector, SpecSet: e.spec(), Options: types.RetrieveOptions{MaxObjects: maxObjects},
	})
	if err != nil {
		return nil, err
	}
	return res.Returnval, nil
}

func (e *pagingEnv) next(client soap.RoundTripper, token string) (*types.RetrieveResult, error) {
	res, err := methods.ContinueRetrievePropertiesEx(e.ctx, client, &types.ContinueRetrievePropertiesEx{This: e.collector, Token: token})
	if err != nil {
		return nil, err
	}
	return &res.Returnval, nil
}

func (e *pagingEnv) cancel(client soap.RoundTripper, token string) error {
	_, err := methods.CancelRetrievePropertiesEx(e.ctx, client, &types.CancelRetrievePropertiesEx{This: e.collector, Token: token})
	return err
}

// everything reads the same objects with the deprecated RetrieveProperties, which has no token and returns all.
func (e *pagingEnv) everything() []string {
	e.t.Helper()
	res, err := methods.RetrieveProperties(e.ctx, e.client.Client, &types.RetrieveProperties{This: e.collector, SpecSet: e.spec()})
	if err != nil {
		e.t.Fatal(err)
	}
	return refs(res.Returnval)
}

func refs(objects []types.ObjectContent) []string {
	var out []string
	for _, o := range objects {
		out = append(out, o.Obj.String())
	}
	sort.Strings(out)
	return out
}

// expectInvalidArgument checks that err is the InvalidArgument fault naming property.
func expectInvalidArgument(t *testing.T, what string, err error, property string) {
	t.Helper()
	f, ok := faultOf(t, err).(*types.InvalidArgument)
	if !ok || f.InvalidProperty != property {
		t.Fatalf("%s: want InvalidArgument(%s), got %#v (%v)", what, property, faultOf(t, err), err)
	}
}

func TestRetrievePropertiesExPagesByMaxObjectsAndTheServerCap(t *testing.T) {
	e := newPagingEnv(t, 4)
	all := e.everything()
	if len(all) <= 8 {
		t.Fatalf("the model has %d entities: too few to page", len(all))
	}
	for _, c := range []struct {
		maxObjects int32
		pageSize   int
	}{{0, 4}, {3, 3}, {10, 4}} {
		page, err := e.retrieve(c.maxObjects)
		if err != nil {
			t.Fatal(err)
		}
		var read []types.ObjectContent
		pages := 0
		for {
			pages++
			read = append(read, page.Objects...)
			if page.Token == "" {
				if len(page.Objects) == 0 || len(page.Objects) > c.pageSize {
					t.Fatalf("maxObjects %d: last page has %d objects", c.maxObjects, len(page.Objects))
				}
				break
			}
			if len(page.Objects) != c.pageSize {
				t.Fatalf("maxObjects %d: a page with a token has %d objects, want %d", c.maxObjects, len(page.Objects), c.pageSize)
			}
			if page, err = e.next(e.client.Client, page.Token); err != nil {
				t.Fatalf("maxObjects %d, page %d: %v", c.maxObjects, pages+1, err)
			}
		}
		if want := (len(all) + c.pageSize - 1) / c.pageSize; pages != want {
			t.Errorf("maxObjects %d: %d pages, want %d", c.maxObjects, pages, want)
		}
		if got := refs(read); !equalStrings(got, all) {
			t.Errorf("maxObjects %d: the pages hold %v, RetrieveProperties %v", c.maxObjects, got, all)
		}
		for _, o := range read {
			if len(o.PropSet) != 1 || o.PropSet[0].Name != "name" || o.PropSet[0].Val.(string) == "" {
				t.Fatalf("maxObjects %d: %s came without its name: %+v", c.maxObjects, o.Obj, o.PropSet)
			}
		}
	}
}

func TestRetrievePropertiesExWithinOnePageHasNoToken(t *testing.T) {
	e := newPagingEnv(t, 1000)
	page, err := e.retrieve(0)
	if err != nil {
		t.Fatal(err)
	}
	if page.Token != "" || !equalStrings(refs(page.Objects), e.everything()) {
		t.Fatalf("token %q, %d objects", page.Token, len(page.Objects))
	}
}

func TestRetrievePropertiesExRefusesAnIllegalMaxObjects(t *testing.T) {
	e := newPagingEnv(t, 4)
	_, err := e.retrieve(-1)
	expectInvalidArgument(t, "maxObjects -1", err, "maxObjects")
}

func TestRetrieveTokenIsSingleUse(t *testing.T) {
	e := newPagingEnv(t, 4)
	page, err := e.retrieve(0)
	if err != nil || page.Token == "" {
		t.Fatalf("first page: token %q, %v", page.Token, err)
	}
	second, err := e.next(e.client.Client, page.Token)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.next(e.client.Client, page.Token)
	expectInvalidArgument(t, "a spent token", err, "token")
	if second.Token == "" || second.Token == page.Token {
		t.Fatalf("the second page's token %q", second.Token)
	}
	if _, err := e.next(e.client.Client, second.Token); err != nil {
		t.Fatalf("the fresh token: %v", err)
	}
	_, err = e.next(e.client.Client, "no-such-token")
	expectInvalidArgument(t, "an unknown token", err, "token")
}

func TestCancelRetrievePropertiesExDiscardsTheRest(t *testing.T) {
	e := newPagingEnv(t, 4)
	page, err := e.retrieve(0)
	if err != nil || page.Token == "" {
		t.Fatalf("first page: token %q, %v", page.Token, err)
	}
	if err := e.cancel(e.client.Client, page.Token); err != nil {
		t.Fatal(err)
	}
	_, err = e.next(e.client.Client, page.Token)
	expectInvalidArgument(t, "continuing a cancelled retrieval", err, "token")
	expectInvalidArgument(t, "cancelling twice", e.cancel(e.client.Client, page.Token), "token")
}

func TestRetrieveTokenBelongsToItsSessionAndCollector(t *testing.T) {
	e := newPagingEnv(t, 4)
	page, err := e.retrieve(0)
	if err != nil || page.Token == "" {
		t.Fatalf("first page: token %q, %v", page.Token, err)
	}

	u := e.client.URL()
	u.User = simulator.DefaultLogin
	other, err := govmomi.NewClient(e.ctx, u, true)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = other.Logout(e.ctx) }()
	mine, _ := e.client.SessionManager.UserSession(e.ctx)
	theirs, _ := other.SessionManager.UserSession(e.ctx)
	if mine == nil || theirs == nil || mine.Key == theirs.Key {
		t.Fatalf("the two clients' sessions: %+v, %+v", mine, theirs)
	}
	_, err = e.next(other.Client, page.Token)
	expectInvalidArgument(t, "another session continuing", err, "token")
	expectInvalidArgument(t, "another session cancelling", e.cancel(other.Client, page.Token), "token")

	own, err := methods.CreatePropertyCollector(e.ctx, e.client.Client, &types.CreatePropertyCollector{This: e.collector})
	if err != nil {
		t.Fatal(err)
	}
	_, err = methods.ContinueRetrievePropertiesEx(e.ctx, e.client.Client, &types.ContinueRetrievePropertiesEx{This: own.Returnval, Token: page.Token})
	expectInvalidArgument(t, "another collector continuing", err, "token")

	if _, err := e.next(e.client.Client, page.Token); err != nil {
		t.Fatalf("the owner, after the refusals: %v", err)
	}
}

func TestRetrievePropertiesExDefaultCapIs100(t *testing.T) {
	if f := flag.Lookup("retrieve-max-objects"); f == nil || f.DefValue != "100" {
		t.Fatalf("-retrieve-max-objects default: %+v", f)
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestPropertyPagingStatsCountCallsAndPendingRetrievals(t *testing.T) {
	e := newPagingEnv(t, 4)
	stats := func() map[string]int {
		u := e.client.URL()
		u.Path, u.User = pagingStatsPath, nil
		res, err := http.Get(u.String())
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out map[string]int
		if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	before := stats()
	page, err := e.retrieve(0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.next(e.client.Client, page.Token); err != nil {
		t.Fatal(err)
	}
	during := stats()
	if during["RetrievePropertiesEx"]-before["RetrievePropertiesEx"] != 1 || during["ContinueRetrievePropertiesEx"]-before["ContinueRetrievePropertiesEx"] != 1 ||
		during["pending"]-before["pending"] != 1 {
		t.Fatalf("before %v, during %v", before, during)
	}
	second, _ := e.next(e.client.Client, page.Token) // spent: refused, and still counted
	if second != nil {
		t.Fatal("a spent token was accepted")
	}
	after := stats()
	if after["ContinueRetrievePropertiesEx"]-during["ContinueRetrievePropertiesEx"] != 1 || after["pending"] != during["pending"] {
		t.Fatalf("during %v, after %v", during, after)
	}
}
